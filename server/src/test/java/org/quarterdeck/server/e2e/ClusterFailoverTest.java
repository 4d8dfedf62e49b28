package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.ServerOptions;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.cli.ServeCommand;
import org.quarterdeck.server.cluster.PostgresJournals;
import org.quarterdeck.server.cluster.TestDatabase;

/**
 * Failover between cluster nodes on a real PostgreSQL: node A is a separate process; node B runs
 * here. When A is killed with SIGKILL, B fences A's lease, takes its session over and serves it
 * with every acknowledged decision; when A is stopped (SIGSTOP) past its lease and continued, B has
 * taken over, A finds itself fenced and exits, and A appended nothing after the fence; when A is
 * stopped with SIGTERM, it leaves its lease and B takes its session over without waiting.
 */
class ClusterFailoverTest {
  private static final Pattern TCP = Pattern.compile("TCP\\s+(tcp://\\S+)");
  private TestDatabase database;
  private Application nodeB;
  private final List<QuarterdeckClient> clients = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  @TempDir Path logs;

  @BeforeEach
  void start() throws Exception {
    database = TestDatabase.create();
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(QuarterdeckClient::close);
    for (Process p : processes) {
      new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
      p.destroyForcibly().waitFor();
    }
    if (nodeB != null) {
      nodeB.close();
    }
    if (database != null) {
      database.close();
    }
  }

  /** A session of two seats on node A, turn 1 open, team 0's decision acknowledged. */
  private record Table(String sessionId, String[] tokens) {}

  @Test
  void survivorsTakeOverAKilledNodeAndAStoppedNodeIsFenced() throws Exception {
    Process a = startNodeA();
    URI aTcp = tcpOf(a);
    nodeB =
        ServerOptions.loopback()
            .serverName("quarterdeck-test")
            .storage(
                Storage.opened(
                    PostgresJournals.open(
                        database.url(), new PostgresJournals.Node("node-b", "b", "b"))))
            .start();
    URI bTcp = URI.create(nodeB.addresses().tcpUrl());

    // 1. SIGKILL: B takes the session over with the acknowledged decision
    Table first = playOneDecision(aTcp, 41);
    long killed = System.nanoTime();
    a.destroyForcibly().waitFor();
    Snapshot onB = resumeWhenServed(bTcp, first.tokens()[0]);
    long failoverMillis = (System.nanoTime() - killed) / 1_000_000;
    assertEquals(Phase.TURN_OPEN, onB.getPhase());
    assertEquals(1, onB.getOpenTurn().getTurn());
    assertTrue(onB.getDraftVersion() >= 1, "the decision acknowledged on A survived");
    // B goes on playing it: the second decision resolves turn 1
    QuarterdeckClient second = connect(bTcp);
    Snapshot s2 =
        call(
                second,
                ClientMessage.newBuilder()
                    .setResume(Resume.newBuilder().setToken(first.tokens()[1])))
            .getSnapshot();
    submit(second, s2);
    Snapshot after = resumeWhenServed(bTcp, first.tokens()[0]);
    assertTrue(
        after.getOpenTurn().getTurn() == 2 || after.getPhase() != Phase.TURN_OPEN,
        "turn 1 resolved on B");
    assertEquals("node-b", owner(first.sessionId()));

    // 2. SIGSTOP past the lease, then SIGCONT: A is fenced, exits, and appended nothing more
    Process a2 = startNodeA();
    Table paused = playOneDecision(tcpOf(a2), 42);
    long epochBefore = epochOf("node-a");
    signal(a2, "STOP");
    Snapshot taken = resumeWhenServed(bTcp, paused.tokens()[0]);
    assertTrue(taken.getDraftVersion() >= 1);
    assertEquals(epochBefore + 1, epochOf("node-a"), "B fenced A's epoch");
    signal(a2, "CONT");
    assertTrue(a2.waitFor(30, SECONDS), "the fenced node stops by itself");
    assertEquals(ServeCommand.FENCED_EXIT_CODE, a2.exitValue());
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM session_record WHERE node_epoch >= "
                + (epochBefore + 1)
                + " AND session_id IN (SELECT session_id FROM session_owner)"
                + " AND node_epoch IN (SELECT epoch FROM node_lease WHERE node_id = 'node-a')"),
        "no record under A's fenced epoch");
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM (SELECT node_epoch, max(node_epoch) OVER"
                + " (PARTITION BY session_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1"
                + " PRECEDING) AS before FROM session_record) x WHERE node_epoch < before"),
        "records in each session's order never go back to an older epoch");
    assertEquals(
        0,
        count("SELECT count(*) FROM session_owner WHERE node_id <> 'node-b'"),
        "every session has one owner: B");

    // 3. SIGTERM: A writes what is queued, marks its lease left, and B takes over at once
    Process a3 = startNodeA();
    Table drained = playOneDecision(tcpOf(a3), 43);
    long terminated = System.nanoTime();
    a3.destroy();
    assertTrue(a3.waitFor(30, SECONDS));
    assertEquals("left", text("SELECT state FROM node_lease WHERE node_id = 'node-a'"));
    Snapshot handed = resumeWhenServed(bTcp, drained.tokens()[0]);
    long drainMillis = (System.nanoTime() - terminated) / 1_000_000;
    assertTrue(handed.getDraftVersion() >= 1, "the decision acknowledged before SIGTERM");
    assertEquals("node-b", owner(drained.sessionId()));
    System.out.printf(
        "cluster failover: SIGKILL to the first Resume served by the survivor:"
            + " %d ms; SIGTERM to it: %d ms%n",
        failoverMillis, drainMillis);
  }

  private Process startNodeA() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "org.quarterdeck.server.cli.Main",
                "serve",
                "--http-port",
                "0",
                "--tcp-port",
                "0",
                "--store",
                database.operatorUrl(),
                "--node-id",
                "node-a")
            .redirectError(ProcessBuilder.Redirect.appendTo(logs.resolve("node-a.log").toFile()))
            .start();
    processes.add(process);
    return process;
  }

  private URI tcpOf(Process process) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = TCP.matcher(line);
      if (m.find()) {
        return URI.create(m.group(1));
      }
    }
    throw new AssertionError("node A exited before listening; see " + logs);
  }

  private Table playOneDecision(URI tcp, long seed) throws Exception {
    QuarterdeckClient f = connect(tcp);
    var created =
        call(
                f,
                ClientMessage.newBuilder()
                    .setCreateSession(
                        CreateSession.newBuilder()
                            .setSettings(
                                SessionSettings.newBuilder()
                                    .setTeams(2)
                                    .setSeed(seed)
                                    .setTurnDeadlineSeconds(3600))))
            .getSessionCreated();
    String[] tokens = new String[2];
    List<QuarterdeckClient> players = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      QuarterdeckClient c = connect(tcp);
      players.add(c);
      tokens[p] =
          call(
                  c,
                  ClientMessage.newBuilder()
                      .setJoinSession(
                          JoinSession.newBuilder()
                              .setJoinCode(created.getJoinCode())
                              .setDisplayName("P" + p)
                              .setPreferredTeam(p)))
              .getJoined()
              .getToken();
    }
    call(
        f,
        ClientMessage.newBuilder()
            .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())));
    ServerMessage started =
        call(
            f,
            ClientMessage.newBuilder()
                .setFacilitator(
                    FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
    assertFalse(started.hasError(), "started: " + started);
    Snapshot snap =
        call(
                players.get(0),
                ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(tokens[0])))
            .getSnapshot();
    ServerMessage ack = submit(players.get(0), snap);
    assertTrue(ack.hasDecisionAccepted(), "acknowledged: " + ack);
    return new Table(created.getSessionId(), tokens);
  }

  private static ServerMessage submit(QuarterdeckClient c, Snapshot snap) throws Exception {
    double free = snap.getOpenTurn().getFreeHours();
    return call(
        c,
        ClientMessage.newBuilder()
            .setSubmitDecision(
                SubmitDecision.newBuilder()
                    .setTurn(snap.getOpenTurn().getTurn())
                    .setVersion(1)
                    .setDecision(
                        Decision.newBuilder()
                            .addHours(
                                ActHours.newBuilder()
                                    .setAct("coach")
                                    .setHours(Math.floor(free * 0.5)))
                            .addHours(
                                ActHours.newBuilder()
                                    .setAct("push")
                                    .setHours(Math.floor(free * 0.3))))));
  }

  /**
   * Resumes on a node until it serves the session, as a client does: before that it answers
   * UNAVAILABLE (the session is moving) or relays to the old owner, whose relay it closes once that
   * node has lost its lease; a closed connection is opened again.
   */
  private Snapshot resumeWhenServed(URI tcp, String token) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        QuarterdeckClient c = connect(tcp);
        ServerMessage reply =
            call(c, ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(token)));
        if (reply.hasSnapshot()) {
          return reply.getSnapshot();
        }
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // the relay to the old owner closed, or it did not answer: connect again
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no node took the session over within 30 s");
  }

  private QuarterdeckClient connect(URI tcp) throws Exception {
    QuarterdeckClient c =
        QuarterdeckClient.connect(
                tcp, ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(10)))
            .get(10, SECONDS);
    c.hello().get(10, SECONDS);
    clients.add(c);
    return c;
  }

  private static ServerMessage call(QuarterdeckClient c, ClientMessage.Builder m) throws Exception {
    return c.request(m).get(15, SECONDS);
  }

  private static void signal(Process p, String signal) throws Exception {
    assertEquals(
        0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
  }

  private String owner(String sessionId) throws Exception {
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT node_id FROM session_owner WHERE session_id = '" + sessionId + "'")) {
      assertTrue(r.next());
      return r.getString(1);
    }
  }

  private String text(String sql) throws Exception {
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      assertTrue(r.next());
      return r.getString(1);
    }
  }

  private long epochOf(String node) throws Exception {
    return count("SELECT epoch FROM node_lease WHERE node_id = '" + node + "'");
  }

  private long count(String sql) throws Exception {
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      assertFalse(!r.next());
      return r.getLong(1);
    }
  }
}

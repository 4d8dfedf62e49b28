package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.e2e.ClusterHarness.create;
import static org.quarterdeck.server.e2e.ClusterHarness.join;
import static org.quarterdeck.server.e2e.ClusterHarness.resume;
import static org.quarterdeck.server.e2e.ClusterHarness.submit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.cli.ServeCommand;
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
  private ClusterHarness cluster;
  private final List<Process> processes = new ArrayList<>();

  @TempDir Path logs;

  @BeforeEach
  void start() throws Exception {
    cluster = new ClusterHarness(TestDatabase.create());
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
      p.destroyForcibly().waitFor();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A session of two seats on node A, turn 1 open, team 0's decision acknowledged. */
  private record Table(String sessionId, String[] tokens) {}

  @Test
  void survivorsTakeOverAKilledNodeAndAStoppedNodeIsFenced() throws Exception {
    Process a = startNodeA();
    URI aTcp = tcpOf(a);
    Application nodeB = cluster.node("node-b");
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
    submit(second, resume(second, first.tokens()[1]));
    Snapshot after = resumeWhenServed(bTcp, first.tokens()[0]);
    assertTrue(
        after.getOpenTurn().getTurn() == 2 || after.getPhase() != Phase.TURN_OPEN,
        "turn 1 resolved on B");
    assertEquals("node-b", cluster.owner(first.sessionId()));

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
        cluster.value(
            "SELECT count(*) FROM session_record WHERE node_epoch >= "
                + (epochBefore + 1)
                + " AND session_id IN (SELECT session_id FROM session_owner)"
                + " AND node_epoch IN (SELECT epoch FROM node_lease WHERE node_id = 'node-a')"),
        "no record under A's fenced epoch");
    assertEquals(
        0,
        cluster.value(
            "SELECT count(*) FROM (SELECT node_epoch, max(node_epoch) OVER"
                + " (PARTITION BY session_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1"
                + " PRECEDING) AS before FROM session_record) x WHERE node_epoch < before"),
        "records in each session's order never go back to an older epoch");
    assertEquals(
        0,
        cluster.value("SELECT count(*) FROM session_owner WHERE node_id <> 'node-b'"),
        "every session has one owner: B");

    // 3. SIGTERM: A writes what is queued, marks its lease left, and B takes over at once
    Process a3 = startNodeA();
    Table drained = playOneDecision(tcpOf(a3), 43);
    long terminated = System.nanoTime();
    a3.destroy();
    assertTrue(a3.waitFor(30, SECONDS));
    assertEquals("left", cluster.text("SELECT state FROM node_lease WHERE node_id = 'node-a'"));
    Snapshot handed = resumeWhenServed(bTcp, drained.tokens()[0]);
    long drainMillis = (System.nanoTime() - terminated) / 1_000_000;
    assertTrue(handed.getDraftVersion() >= 1, "the decision acknowledged before SIGTERM");
    assertEquals("node-b", cluster.owner(drained.sessionId()));
    System.out.printf(
        "cluster failover: SIGKILL to the first Resume served by the survivor:"
            + " %d ms; SIGTERM to it: %d ms%n",
        failoverMillis, drainMillis);
  }

  private Process startNodeA() throws Exception {
    Process process =
        new ProcessBuilder(cluster.nodeCommand("node-a", "--http-port", "0", "--tcp-port", "0"))
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
    SessionCreated created = create(f, seed, 3600);
    String[] tokens = new String[2];
    List<QuarterdeckClient> players = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      players.add(connect(tcp));
      tokens[p] = join(players.get(p), created.getJoinCode(), p);
    }
    ClusterHarness.start(f, created);
    ServerMessage ack = submit(players.get(0), resume(players.get(0), tokens[0]));
    assertTrue(ack.hasDecisionAccepted(), "acknowledged: " + ack);
    return new Table(created.getSessionId(), tokens);
  }

  /** Resumes through a node until it serves the session (moving meanwhile: UNAVAILABLE). */
  private Snapshot resumeWhenServed(URI tcp, String token) {
    ServerMessage reply = cluster.resumeUntilServed(tcp, token);
    assertTrue(reply.hasSnapshot(), "served: " + reply);
    return reply.getSnapshot();
  }

  private QuarterdeckClient connect(URI tcp) throws Exception {
    return cluster.connect(tcp);
  }

  private static void signal(Process p, String signal) throws Exception {
    assertEquals(
        0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
  }

  private long epochOf(String node) throws Exception {
    return cluster.value("SELECT epoch FROM node_lease WHERE node_id = '" + node + "'");
  }
}

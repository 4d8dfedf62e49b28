package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.e2e.ClusterHarness.call;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.ReplayFrame;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SignIn;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.server.cli.ServeCommand;
import org.quarterdeck.server.cluster.PostgresJournals;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.Game;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.replay.Reenactment;
import org.quarterdeck.server.replay.Timeline;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.testing.Await;

/**
 * The run: three node processes on one PostgreSQL behind HAProxy (docs/haproxy.cfg, the
 * documented configuration), bots playing sessions with deadlines through the proxy (one seat over
 * TCP, one over WebSocket), while nodes are killed with SIGKILL and stopped with SIGSTOP past their
 * lease and continued. No acknowledged decision is lost, a fenced node appends nothing, each
 * session is held by exactly the node the database names after every round, and every session ends
 * on the state hash of an uninterrupted engine run. Prints the failover times (kill to the first
 * Resume served through the proxy) split into detect, claim and serve.
 *
 * <p>CI runs a bounded version; {@code -Dquarterdeck.cluster.proxy.kills=10
 * -Dquarterdeck.cluster.proxy.stops=5} is the full run (docs/cluster.md).
 */
class ClusterProxyTest {
  private static final int SESSIONS = Integer.getInteger("quarterdeck.cluster.proxy.sessions", 30);
  private static final int KILLS = Integer.getInteger("quarterdeck.cluster.proxy.kills", 3);
  private static final int STOPS = Integer.getInteger("quarterdeck.cluster.proxy.stops", 1);
  private static final int TURNS = 12;
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /**
   * The address HAProxy connects to the nodes from, and the only one they trust to send a PROXY
   * header: the test's own requests to the nodes come from 127.0.0.1 and stay plain.
   */
  private static final String PROXY_SOURCE = "127.0.0.2";

  @RegisterExtension final ClusterHarness cluster = ClusterHarness.onAFreshDatabase();
  private final Node[] nodes = new Node[3];
  private Process haproxy;
  private int proxyHttp;
  private int proxyTcp;
  private final ExecutorService bots = Executors.newFixedThreadPool(16);

  /** One node process, restarted on the same ports under the same id. */
  private final class Node {
    final String id;
    final int http;
    final int tcp;
    Process process;

    Node(String id) throws IOException {
      this.id = id;
      this.http = freePort();
      this.tcp = freePort();
    }

    void start() throws Exception {
      process =
          cluster.launch(
              id,
              "--bind",
              "127.0.0.1",
              "--http-port",
              Integer.toString(http),
              "--tcp-port",
              Integer.toString(tcp),
              "--trusted-proxies",
              PROXY_SOURCE);
    }

    void awaitReady() {
      Await.until(
          id + " ready",
          PATIENCE,
          () -> {
            if (!process.isAlive()) {
              throw new AssertionError(
                  id + " exited: " + read(cluster.logs().resolve(id + ".log")));
            }
            return status("http://127.0.0.1:" + http + "/readyz") == 200;
          });
    }

    long sessionsHeld() throws Exception {
      String body = get("http://127.0.0.1:" + http + "/metrics");
      for (String line : body.split("\n")) {
        if (line.startsWith("quarterdeck_cluster_sessions_owned ")) {
          return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
        }
      }
      throw new AssertionError("no quarterdeck_cluster_sessions_owned on " + id);
    }
  }

  /** What the test knows of one session. */
  private static final class Table {
    final long seed;
    SessionCreated created;
    final String[] tokens = new String[2];
    final QuarterdeckClient[] seats = new QuarterdeckClient[2];

    /** (team, turn) of every acknowledged decision. */
    final Set<String> acked = Collections.synchronizedSet(new HashSet<>());

    Table(long seed) {
      this.seed = seed;
    }
  }

  private final AtomicInteger lost = new AtomicInteger();
  private final AtomicInteger acknowledged = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    String haproxyBinary = haproxyBinary();
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = new Node("node-" + (i + 1));
      nodes[i].start();
    }
    for (Node n : nodes) {
      n.awaitReady();
    }
    proxyHttp = freePort();
    proxyTcp = freePort();
    ProcessBuilder proxy =
        new ProcessBuilder(
                haproxyBinary, "-f", Path.of("..", "docs", "haproxy.cfg").toString(), "-db")
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(cluster.logs().resolve("haproxy.log").toFile()));
    Map<String, String> env = proxy.environment();
    env.put("QD_PROXY_HTTP", "127.0.0.1:" + proxyHttp);
    env.put("QD_PROXY_TCP", "127.0.0.1:" + proxyTcp);
    env.put("QD_PROXY_SOURCE", PROXY_SOURCE);
    for (int i = 0; i < nodes.length; i++) {
      env.put("QD_NODE" + (i + 1) + "_HTTP", "127.0.0.1:" + nodes[i].http);
      env.put("QD_NODE" + (i + 1) + "_TCP", "127.0.0.1:" + nodes[i].tcp);
      env.put("QD_NODE" + (i + 1) + "_HTTP_PORT", Integer.toString(nodes[i].http));
    }
    haproxy = proxy.start();
    Await.until(
        "haproxy up, its health checks (with a PROXY header) passing",
        PATIENCE,
        () -> {
          assertTrue(
              haproxy.isAlive(),
              () -> "haproxy exited: " + read(cluster.logs().resolve("haproxy.log")));
          return status("http://127.0.0.1:" + proxyHttp + "/readyz") == 200;
        });
  }

  @AfterEach
  void stop() throws Exception {
    bots.shutdownNow();
    if (haproxy != null) {
      haproxy.destroyForcibly().waitFor();
    }
    // the harness kills the nodes and drops the database
  }

  private static String haproxyBinary() {
    String configured = System.getenv("QUARTERDECK_TEST_HAPROXY");
    for (String candidate :
        new String[] {
          configured, "/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"
        }) {
      if (candidate != null && !candidate.isBlank() && Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("no haproxy: .ci/run installs it with .ci/haproxy install");
    }
    Assumptions.abort("no haproxy for the proxy test: install it (bash .ci/haproxy install)");
    return null;
  }

  @Test
  void botsPlayThroughTheProxyWhileNodesAreKilledAndStopped() throws Exception {
    List<Table> tables = new ArrayList<>();
    for (int s = 0; s < SESSIONS; s++) {
      tables.add(setUp(new Table(3000 + s)));
    }
    clientAddressesReachTheNodes();
    List<Character> faults = new ArrayList<>();
    for (int k = 0, s = 0; k < KILLS || s < STOPS; ) {
      if (k < KILLS) {
        faults.add('K');
        k++;
      }
      if (k < KILLS) {
        faults.add('K');
        k++;
      }
      if (s < STOPS) {
        faults.add('S');
        s++;
      }
    }
    Random random = new Random(17);
    List<long[]> failovers = new ArrayList<>();
    int fenceChecks = 0;
    int turn = 1;
    for (int round = 0; round < faults.size() || turn <= TURNS; round++) {
      List<Future<?>> play = new ArrayList<>();
      if (turn <= TURNS) {
        int t = turn;
        for (Table table : tables) {
          for (int team = 0; team < 2; team++) {
            int seat = team;
            play.add(bots.submit(() -> playTurn(table, seat, t)));
          }
        }
        turn++;
      }
      if (round < faults.size()) {
        Thread.sleep(random.nextInt(800)); // mid-turn: submissions are in flight
        Node victim = nodes[round % nodes.length];
        if (faults.get(round) == 'K') {
          failovers.add(kill(victim, tables));
        } else {
          stopPastLease(victim, tables);
          fenceChecks++;
        }
      }
      for (Future<?> f : play) {
        f.get(3 * PATIENCE.toSeconds(), SECONDS);
      }
      checkOneOwnerEach(tables.size());
    }

    // the logs, read straight from the database
    try (Journals storage =
        PostgresJournals.open(
            cluster.database().url(), new PostgresJournals.Node("checker", "-", "-"))) {
      for (Table t : tables) {
        List<ReplayFrame> frames =
            new Reenactment(Timeline.of(storage.read(t.created.getSessionId()).records())).actual();
        assertEquals(TURNS, frames.size(), "session " + t.created.getSessionId() + " ended");
        assertEquals(
            uninterrupted(t.seed),
            frames.get(frames.size() - 1).getStateHash(),
            "session " + t.created.getSessionId() + " ends where an uninterrupted run ends");
      }
    }
    assertEquals(0, lost.get(), "acknowledged decisions lost");
    // a decision whose acknowledgement a kill swallowed is found in the next snapshot instead
    assertTrue(
        acknowledged.get() > SESSIONS * TURNS, "decisions acknowledged: " + acknowledged.get());
    long[] detect = column(failovers, 0);
    long[] claim = column(failovers, 1);
    long[] serve = column(failovers, 2);
    long[] total = column(failovers, 3);
    System.out.printf(
        "cluster behind haproxy: 3 nodes, %d sessions, %d SIGKILLs, %d SIGSTOPs (%d fence checks),"
            + " %d decisions acknowledged, %d lost%n"
            + "failover, kill -9 to the first Resume served through the proxy, ms: p50 %d, p99 %d"
            + " (max of %d); detect p50 %d p99 %d, claim p50 %d p99 %d, rebuild+reconnect p50 %d"
            + " p99 %d%n",
        SESSIONS,
        KILLS,
        STOPS,
        fenceChecks,
        acknowledged.get(),
        lost.get(),
        percentile(total, 50),
        percentile(total, 99),
        total.length,
        percentile(detect, 50),
        percentile(detect, 99),
        percentile(claim, 50),
        percentile(claim, 99),
        percentile(serve, 50),
        percentile(serve, 99));
  }

  /**
   * HAProxy names each client in a PROXY header (send-proxy-v2) and the nodes trust it from the
   * proxy's address only ({@code --trusted-proxies 127.0.0.2}): a refused sign-in through either
   * frontend (the TCP game port, the WebSocket over HTTP) is logged with the client's address
   * (127.0.0.1), not the proxy's, so the per-address limits count clients.
   */
  private void clientAddressesReachTheNodes() throws Exception {
    for (int team = 0; team < 2; team++) {
      QuarterdeckClient c = connect(seatUri(team));
      ServerMessage refused =
          call(
              c,
              ClientMessage.newBuilder()
                  .setSignIn(SignIn.newBuilder().setPassword("not-the-admin-token")));
      assertEquals(ErrorCode.UNAUTHENTICATED, refused.getError().getCode(), refused.toString());
      c.close();
    }
    Await.until("both refused sign-ins logged", PATIENCE, () -> refusedSignIns().size() >= 2);
    for (String line : refusedSignIns()) {
      assertTrue(
          line.contains(" from /127.0.0.1: "), "the client's address, not the proxy's: " + line);
    }
  }

  private List<String> refusedSignIns() {
    List<String> lines = new ArrayList<>();
    for (Node n : nodes) {
      for (String line : read(cluster.logs().resolve(n.id + ".log")).split("\n")) {
        if (line.contains("a sign-in was refused")) {
          lines.add(line);
        }
      }
    }
    return lines;
  }

  // ------------------------------------------------------------------ faults

  /**
   * SIGKILL, then times: detect (kill until a survivor fenced the lease), claim (until none of its
   * sessions is owned by it), serve (until a Resume of one of them through the proxy is served:
   * rebuild and reconnect). The node is started again afterwards.
   */
  private long[] kill(Node victim, List<Table> tables) throws Exception {
    List<String> owned = sessionsOf(victim.id);
    Table probe = tableOf(tables, owned);
    long killed = System.nanoTime();
    victim.process.destroyForcibly().waitFor();
    long detected = until(() -> "dead".equals(leaseState(victim.id)));
    long claimed = until(() -> sessionsOf(victim.id).isEmpty());
    long served = probe == null ? claimed : until(() -> resumesThroughProxy(probe));
    victim.start();
    victim.awaitReady();
    return new long[] {
      (detected - killed) / 1_000_000,
      (claimed - detected) / 1_000_000,
      (served - claimed) / 1_000_000,
      (served - killed) / 1_000_000
    };
  }

  /**
   * SIGSTOP past the lease: survivors fence and take over; after SIGCONT the old node finds itself
   * fenced and exits with 75, and nothing was appended to its former sessions under its old epoch.
   */
  private void stopPastLease(Node victim, List<Table> tables) throws Exception {
    List<String> owned = sessionsOf(victim.id);
    long epoch = epochOf(victim.id);
    signal(victim.process, "STOP");
    until(() -> "dead".equals(leaseState(victim.id)) && sessionsOf(victim.id).isEmpty());
    Map<String, Long> lastSeq = lastSeqs(owned);
    signal(victim.process, "CONT");
    assertTrue(victim.process.waitFor(60, SECONDS), victim.id + " stops by itself once fenced");
    assertEquals(ServeCommand.FENCED_EXIT_CODE, victim.process.exitValue());
    try (Connection c = cluster.database().connect();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT count(*) FROM session_record r WHERE r.session_id = ? AND r.seq > ? AND"
                    + " r.node_epoch = ? AND ? <> (SELECT l.epoch FROM node_lease l JOIN"
                    + " session_owner o ON o.node_id = l.node_id WHERE o.session_id = r.session_id)")) {
      for (Map.Entry<String, Long> e : lastSeq.entrySet()) {
        p.setString(1, e.getKey());
        p.setLong(2, e.getValue());
        p.setLong(3, epoch);
        p.setLong(4, epoch);
        try (ResultSet r = p.executeQuery()) {
          r.next();
          assertEquals(0, r.getLong(1), "records under " + victim.id + "'s fenced epoch");
        }
      }
    }
    victim.start();
    victim.awaitReady();
  }

  /** After a round: every session is held by the node the database names, and by no other. */
  private void checkOneOwnerEach(int sessions) throws Exception {
    until(
        () -> {
          long held = 0;
          for (Node n : nodes) {
            long h;
            try {
              h = n.sessionsHeld();
            } catch (IOException e) {
              return false;
            }
            if (h != sessionsOf(n.id).size()) {
              return false;
            }
            held += h;
          }
          return held == sessions;
        });
  }

  // ------------------------------------------------------------------ bots

  private Table setUp(Table t) throws Exception {
    QuarterdeckClient f = connect(URI.create("tcp://127.0.0.1:" + proxyTcp));
    // deadlines run, and are restored after every takeover; long enough that no failover outlasts
    // one
    t.created = ClusterHarness.create(f, t.seed, 300);
    for (int team = 0; team < 2; team++) {
      t.seats[team] = connect(seatUri(team));
      t.tokens[team] = ClusterHarness.join(t.seats[team], t.created.getJoinCode(), team);
    }
    ClusterHarness.start(f, t.created);
    f.close();
    return t;
  }

  /** Team 0 plays over the TCP game port, team 1 over the WebSocket, both through HAProxy. */
  private URI seatUri(int team) {
    return team == 0
        ? URI.create("tcp://127.0.0.1:" + proxyTcp)
        : URI.create("ws://127.0.0.1:" + proxyHttp + "/ws");
  }

  /**
   * One bot's turn, as a client does it: Resume (reconnecting through the proxy when the connection
   * is gone, asking again no sooner than an UNAVAILABLE's wait), then submit the planned decision
   * unless the snapshot already holds it. A decision acknowledged before and missing from the
   * snapshot is counted as lost.
   */
  private Void playTurn(Table t, int team, int turn) {
    long[] notBefore = {0};
    Await.until(
        "team " + team + " of " + t.created.getSessionId() + " played turn " + turn,
        PATIENCE.multipliedBy(2),
        () -> {
          if (System.nanoTime() - notBefore[0] < 0) {
            return false;
          }
          try {
            return tryTurn(t, team, turn, notBefore);
          } catch (java.util.concurrent.ExecutionException
              | java.util.concurrent.TimeoutException
              | java.util.concurrent.CancellationException e) {
            // the node or its relay went away: reconnect through the proxy on the next try
            QuarterdeckClient c = t.seats[team];
            if (c != null) {
              c.close();
            }
            t.seats[team] = null;
            return false;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    return null;
  }

  /**
   * One try at a turn: whether it is played (by this decision, an earlier one, or the turn is
   * over). An UNAVAILABLE answer sets {@code notBefore[0]} to when to ask again; the other seat's
   * turn still open (the previous turn is not resolved yet) just means try again.
   */
  private boolean tryTurn(Table t, int team, int turn, long[] notBefore) throws Exception {
    QuarterdeckClient c = t.seats[team];
    if (c == null || !c.isOpen()) {
      c = cluster.connect(seatUri(team));
      t.seats[team] = c;
    }
    ServerMessage reply =
        call(c, ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(t.tokens[team])));
    if (reply.hasError()) {
      honourRetry(reply, notBefore);
      return false;
    }
    Snapshot s = reply.getSnapshot();
    if (s.getPhase() == Phase.ENDED || s.getOpenTurn().getTurn() > turn) {
      return true;
    }
    if (s.getOpenTurn().getTurn() < turn || s.getDraftVersion() >= 1) {
      // the previous turn still waits for the other seat; or this decision is already held
      return s.getOpenTurn().getTurn() == turn;
    }
    if (t.acked.contains(team + "/" + turn)) {
      lost.incrementAndGet();
      t.acked.remove(team + "/" + turn);
    }
    ServerMessage ack =
        call(
            c,
            ClientMessage.newBuilder()
                .setSubmitDecision(
                    SubmitDecision.newBuilder()
                        .setTurn(turn)
                        .setVersion(1)
                        .setDecision(planned(team, turn, s.getOpenTurn().getFreeHours()))));
    if (ack.hasDecisionAccepted()) {
      if (t.acked.add(team + "/" + turn)) {
        acknowledged.incrementAndGet();
      }
      return true;
    }
    honourRetry(ack, notBefore);
    return false;
  }

  /** An UNAVAILABLE's retry_after_ms: no try before it has passed. */
  private static void honourRetry(ServerMessage reply, long[] notBefore) {
    if (reply.hasError() && reply.getError().getCode() == ErrorCode.UNAVAILABLE) {
      notBefore[0] =
          System.nanoTime()
              + Duration.ofMillis(Math.max(50, reply.getError().getRetryAfterMs())).toNanos();
    }
  }

  private boolean resumesThroughProxy(Table t) {
    try (QuarterdeckClient c = connectQuietly(URI.create("tcp://127.0.0.1:" + proxyTcp))) {
      return c != null
          && call(
                  c,
                  ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(t.tokens[0])))
              .hasSnapshot();
    } catch (Exception e) {
      return false;
    }
  }

  /** The decision a team plays in a turn: a function of the team, the turn and its free hours. */
  private static Decision planned(int team, int turn, double freeHours) {
    String[] acts = {"push", "coach", "change", "report", "serve", "vision"};
    return Decision.newBuilder()
        .addHours(
            ActHours.newBuilder()
                .setAct(acts[(team + turn) % acts.length])
                .setHours(Math.floor(freeHours * 0.6)))
        .addHours(
            ActHours.newBuilder()
                .setAct(acts[(2 * team + 3 * turn) % acts.length])
                .setHours(Math.floor(freeHours * 0.3)))
        .build();
  }

  /** The same game played by the engine alone, without nodes, faults or network. */
  private static String uninterrupted(long seed) throws Exception {
    Game game =
        Game.start(
            ScenarioCatalog.builtIn(ScenarioCatalog.defaultName()).rules(),
            seed,
            List.of("team-1", "team-2"));
    while (!game.isOver()) {
      List<AcceptedDecision> decisions = new ArrayList<>();
      for (int team = 0; team < 2; team++) {
        Seat seat = game.seats().get(team);
        Decision d = planned(team, game.turn(), game.opening(seat).freeHours());
        var engine = org.quarterdeck.server.engine.SeatDecision.builder(seat, game.turn());
        for (ActHours h : d.getHoursList()) {
          engine.hours(h.getAct(), h.getHours());
        }
        decisions.add(game.validate(engine.build()).value());
      }
      game = game.resolve(decisions, List.of()).next();
    }
    return game.stateHashHex();
  }

  // ------------------------------------------------------------------ plumbing

  private interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Waits (polling every 20 ms) until the condition holds; the time it first held. Not {@link
   * Await}: its pauses grow to 100 ms, and these times are the failover figures.
   */
  private static long until(Condition condition) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.holds()) {
        return System.nanoTime();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("not within " + PATIENCE);
  }

  private QuarterdeckClient connect(URI uri) throws Exception {
    return cluster.connect(uri);
  }

  private QuarterdeckClient connectQuietly(URI uri) {
    try {
      return connect(uri);
    } catch (Exception e) {
      return null;
    }
  }

  private static Table tableOf(List<Table> tables, List<String> sessionIds) {
    return tables.stream()
        .filter(t -> sessionIds.contains(t.created.getSessionId()))
        .findFirst()
        .orElse(null);
  }

  private List<String> sessionsOf(String node) throws Exception {
    return cluster.sessionsOf(node);
  }

  private Map<String, Long> lastSeqs(List<String> sessionIds) throws Exception {
    Map<String, Long> last = new HashMap<>();
    try (Connection c = cluster.database().connect();
        PreparedStatement p =
            c.prepareStatement("SELECT max(seq) FROM session_record WHERE session_id = ?")) {
      for (String id : sessionIds) {
        p.setString(1, id);
        try (ResultSet r = p.executeQuery()) {
          r.next();
          last.put(id, r.getLong(1));
        }
      }
    }
    return last;
  }

  private String leaseState(String node) throws Exception {
    return cluster.value("SELECT count(*) FROM node_lease WHERE node_id = '" + node + "'") == 0
        ? null
        : cluster.text("SELECT state FROM node_lease WHERE node_id = '" + node + "'");
  }

  private long epochOf(String node) throws Exception {
    return cluster.value("SELECT epoch FROM node_lease WHERE node_id = '" + node + "'");
  }

  private static void signal(Process p, String signal) throws Exception {
    assertEquals(
        0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static int status(String url) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return 0;
    }
  }

  private static String get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static long[] column(List<long[]> rows, int i) {
    return rows.stream().mapToLong(r -> r[i]).sorted().toArray();
  }

  /** Nearest-rank percentile of sorted values (0 for none). */
  private static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}

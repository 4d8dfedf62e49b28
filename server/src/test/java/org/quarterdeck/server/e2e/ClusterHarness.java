package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.ServerOptions;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.cluster.PostgresJournals;
import org.quarterdeck.server.cluster.TestDatabase;
import org.quarterdeck.server.testing.Await;

/**
 * What the cluster tests share, as a JUnit extension ({@code @RegisterExtension final
 * ClusterHarness cluster = ClusterHarness.onAFreshDatabase();}): before each test a fresh database
 * (skipped outside CI without PostgreSQL, see {@link TestDatabase}) and a folder for the nodes'
 * logs; nodes on it (in this JVM, or node processes); clients; a session of two teams set up and
 * started, a decision, a Resume that waits while the session moves, and questions to the database.
 * After each test everything is closed, every node process killed (a stopped one continued first)
 * and the database dropped; the logs are kept, and their folder named, when the test failed.
 */
final class ClusterHarness implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
  private TestDatabase database;
  private Path logs;
  private final List<QuarterdeckClient> clients = Collections.synchronizedList(new ArrayList<>());
  private final List<Application> nodes = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  private ClusterHarness() {}

  /** The fixture: a fresh database and log folder before each test, all closed after it. */
  static ClusterHarness onAFreshDatabase() {
    return new ClusterHarness();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    database = TestDatabase.create();
    logs = Files.createTempDirectory("quarterdeck-cluster-");
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      close();
    } finally {
      if (logs != null) {
        if (context.getExecutionException().isPresent()) {
          System.out.println("the nodes' logs of " + context.getDisplayName() + ": " + logs);
        } else {
          deleteLogs();
        }
      }
    }
  }

  private void deleteLogs() throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(logs)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  TestDatabase database() {
    return database;
  }

  /** The folder of this test's node logs ({@code ID.log}). */
  Path logs() {
    return logs;
  }

  // ------------------------------------------------------------------ nodes

  /** A node in this JVM on loopback ports, closed with the harness unless closed before. */
  Application node(String id) throws Exception {
    Application app =
        ServerOptions.loopback()
            .serverName("quarterdeck-test")
            .storage(
                Storage.opened(
                    PostgresJournals.open(database.url(), new PostgresJournals.Node(id, "-", "-"))))
            .start();
    nodes.add(app);
    return app;
  }

  /** A node process, its game port and its HTTP address. */
  record NodeProcess(Process process, URI tcp, URI http) {}

  private static final java.util.regex.Pattern TCP_LINE =
      java.util.regex.Pattern.compile("TCP\\s+(tcp://\\S+)");

  private static final java.util.regex.Pattern HTTP_LINE =
      java.util.regex.Pattern.compile("HTTP\\s+(http://\\S+)");

  /**
   * Starts {@code count} node processes ({@code node-a}, {@code node-b}, ...) with the same further
   * arguments, all at once, and waits until each listens.
   */
  List<NodeProcess> startNodes(int count, String... more) throws Exception {
    List<String> ids = new ArrayList<>();
    List<Process> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add("node-" + (char) ('a' + i));
      started.add(launch(ids.get(i), false, more));
    }
    List<NodeProcess> listening = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      listening.add(listening(ids.get(i), started.get(i)));
    }
    return listening;
  }

  /**
   * Starts a node process ({@link #nodeCommand}, its log in {@link #logs}/ID.log) and waits until
   * it listens; killed with the harness unless it exited before.
   */
  NodeProcess startNode(String id, String... more) throws Exception {
    return listening(id, launch(id, false, more));
  }

  /**
   * Starts a node process whose output all goes to its log ({@link #logs}/ID.log), without waiting
   * for it; killed with the harness unless it exited before.
   */
  Process launch(String id, String... more) throws Exception {
    return launch(id, true, more);
  }

  private Process launch(String id, boolean outputToLog, String... more) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(nodeCommand(id, more));
    ProcessBuilder.Redirect log =
        ProcessBuilder.Redirect.appendTo(logs.resolve(id + ".log").toFile());
    builder.redirectError(log);
    if (outputToLog) {
      builder.redirectOutput(log);
    }
    builder.environment().put("QUARTERDECK_LANG", "en"); // the start lines are read in English
    Process process = builder.start();
    synchronized (processes) {
      processes.add(process);
    }
    return process;
  }

  /** Reads a node's start lines (its standard output) until its game port's. */
  private NodeProcess listening(String id, Process process) throws Exception {
    java.io.BufferedReader out =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
    URI http = null;
    for (String line; (line = out.readLine()) != null; ) {
      java.util.regex.Matcher h = HTTP_LINE.matcher(line);
      if (h.find()) {
        http = URI.create(h.group(1));
      }
      java.util.regex.Matcher m = TCP_LINE.matcher(line);
      if (m.find()) {
        return new NodeProcess(process, URI.create(m.group(1)), http);
      }
    }
    throw new AssertionError("node " + id + " exited before listening; see " + logs);
  }

  /** Closes a node now (a clean shutdown: it drains), rather than with the harness. */
  void stop(Application node) {
    nodes.remove(node);
    node.close();
  }

  /**
   * The command line of a node process on this test's class path and database ({@code serve --store
   * URL --node-id ID}, then {@code more}).
   */
  List<String> nodeCommand(String id, String... more) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-XX:TieredStopAtLevel=1",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "org.quarterdeck.server.cli.Main",
                "serve",
                "--store",
                database.operatorUrl(),
                "--node-id",
                id));
    command.addAll(List.of(more));
    return command;
  }

  // ------------------------------------------------------------------ clients

  QuarterdeckClient connect(URI uri) throws Exception {
    QuarterdeckClient c =
        QuarterdeckClient.connect(
                uri, ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(15)))
            .get(10, SECONDS);
    clients.add(c);
    c.hello().get(10, SECONDS);
    return c;
  }

  static ServerMessage call(QuarterdeckClient c, ClientMessage.Builder m) throws Exception {
    return c.request(m).get(20, SECONDS);
  }

  /** Creates a session of two teams with the seed and turn deadline given. */
  static SessionCreated create(QuarterdeckClient facilitator, long seed, int deadlineSeconds)
      throws Exception {
    ServerMessage created =
        call(
            facilitator,
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder()
                        .setSettings(
                            SessionSettings.newBuilder()
                                .setTeams(2)
                                .setSeed(seed)
                                .setTurnDeadlineSeconds(deadlineSeconds))));
    assertTrue(created.hasSessionCreated(), created.toString());
    return created.getSessionCreated();
  }

  /** Joins {@code team}; the player's token. */
  static String join(QuarterdeckClient c, String code, int team) throws Exception {
    ServerMessage joined =
        call(
            c,
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder()
                        .setJoinCode(code)
                        .setDisplayName("P" + team)
                        .setPreferredTeam(team)));
    assertTrue(joined.hasJoined(), "joined: " + joined);
    return joined.getJoined().getToken();
  }

  /** Resumes as the session's facilitator and starts it. */
  static void start(QuarterdeckClient facilitator, SessionCreated session) throws Exception {
    assertTrue(
        call(
                facilitator,
                ClientMessage.newBuilder()
                    .setResume(Resume.newBuilder().setToken(session.getFacilitatorToken())))
            .hasSnapshot());
    ServerMessage started =
        call(
            facilitator,
            ClientMessage.newBuilder()
                .setFacilitator(
                    FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
    assertFalse(started.hasError(), "started: " + started);
  }

  static Snapshot resume(QuarterdeckClient c, String token) throws Exception {
    ServerMessage reply =
        call(c, ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(token)));
    assertTrue(reply.hasSnapshot(), "resumed: " + reply);
    return reply.getSnapshot();
  }

  /** Half the free hours on coaching, 30% on pushing, as version 1 of the open turn's decision. */
  static ServerMessage submit(QuarterdeckClient c, Snapshot snap) throws Exception {
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
   * Resumes on a fresh connection to {@code uri} until a node serves the session, as a client does:
   * an UNAVAILABLE answer (the session is moving) is asked again no sooner than the wait it names;
   * a connection that closes or does not answer (a relay to an old owner) is opened again. Any
   * other answer ends the wait and is returned.
   */
  ServerMessage resumeUntilServed(URI uri, String token) {
    ServerMessage[] answer = new ServerMessage[1];
    long[] notBefore = {0};
    Await.until(
        "a node serves the session of token " + token.substring(0, Math.min(6, token.length())),
        Duration.ofSeconds(30),
        () -> {
          if (System.nanoTime() - notBefore[0] < 0) {
            return false;
          }
          try {
            ServerMessage reply =
                call(
                    connect(uri),
                    ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(token)));
            if (reply.hasError() && reply.getError().getCode() == ErrorCode.UNAVAILABLE) {
              notBefore[0] =
                  System.nanoTime()
                      + Duration.ofMillis(Math.max(50, reply.getError().getRetryAfterMs()))
                          .toNanos();
              return false;
            }
            answer[0] = reply;
            return true;
          } catch (ExecutionException | TimeoutException e) {
            return false; // the relay to the old owner closed, or it did not answer
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    return answer[0];
  }

  // ------------------------------------------------------------------ the database

  /** The node that owns a session, from {@code session_owner}. */
  String owner(String sessionId) throws SQLException {
    try (Connection c = database.connect();
        PreparedStatement p =
            c.prepareStatement("SELECT node_id FROM session_owner WHERE session_id = ?")) {
      p.setString(1, sessionId);
      try (ResultSet r = p.executeQuery()) {
        assertTrue(r.next(), "an owner row for " + sessionId);
        return r.getString(1);
      }
    }
  }

  /** The first column of the first row of a query, as a number. */
  long value(String sql) throws SQLException {
    return Long.parseLong(text(sql));
  }

  /** The first column of the first row of a query, as text. */
  String text(String sql) throws SQLException {
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      assertTrue(r.next(), "a row from " + sql);
      return r.getString(1);
    }
  }

  /** The ids of the sessions a node owns. */
  List<String> sessionsOf(String node) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = database.connect();
        PreparedStatement p =
            c.prepareStatement("SELECT session_id FROM session_owner WHERE node_id = ?")) {
      p.setString(1, node);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          ids.add(r.getString(1));
        }
      }
    }
    return ids;
  }

  /**
   * Closes the clients and the nodes in this JVM, kills the node processes (continuing a stopped
   * one first, so that it dies now), then drops the database.
   */
  @Override
  public void close() throws Exception {
    synchronized (clients) {
      clients.forEach(QuarterdeckClient::close);
      clients.clear();
    }
    nodes.forEach(Application::close);
    nodes.clear();
    synchronized (processes) {
      for (Process p : processes) {
        if (p.isAlive()) {
          new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
          p.destroyForcibly().waitFor();
        }
      }
      processes.clear();
    }
    if (database != null) {
      database.close();
      database = null;
    }
  }
}

package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.ServerOptions;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.cluster.PostgresJournals;
import org.quarterdeck.server.cluster.TestDatabase;

/**
 * PostgreSQL restarted (pg_ctl restart) in the middle of a game on a two-node cluster: the nodes
 * wait and go on, every acknowledged decision is kept, and the outage alone fences nobody. Before
 * the restart, the operator's views: /cluster, /healthz, /readyz, /metrics.
 */
class ClusterDatabaseRestartTest {
  private TestDatabase database;
  private final List<Application> nodes = new ArrayList<>();
  private final List<QuarterdeckClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    database = TestDatabase.create();
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(QuarterdeckClient::close);
    nodes.forEach(Application::close);
    if (database != null) {
      database.close();
    }
  }

  private Application node(String id) throws Exception {
    Application app =
        ServerOptions.loopback()
            .serverName("quarterdeck-test")
            .storage(
                Storage.opened(
                    PostgresJournals.open(database.url(), new PostgresJournals.Node(id, id, id))))
            .start();
    nodes.add(app);
    return app;
  }

  @Test
  void nodesRideOutADatabaseRestart() throws Exception {
    String dir = System.getenv("QUARTERDECK_TEST_DATABASE_DIR");
    Path script = Path.of("..", ".ci", "postgres").toAbsolutePath().normalize();
    if (dir == null || !Files.exists(script)) {
      Assumptions.abort(
          "restarting PostgreSQL needs the server .ci/run started"
              + " (QUARTERDECK_TEST_DATABASE_DIR)");
    }
    Application a = node("node-a");
    node("node-b");
    URI tcp = URI.create(a.addresses().tcpUrl());
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
                                    .setSeed(7)
                                    .setTurnDeadlineSeconds(3600))))
            .getSessionCreated();
    call(
        f,
        ClientMessage.newBuilder()
            .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())));
    QuarterdeckClient[] players = new QuarterdeckClient[2];
    for (int p = 0; p < 2; p++) {
      players[p] = connect(tcp);
      call(
          players[p],
          ClientMessage.newBuilder()
              .setJoinSession(
                  JoinSession.newBuilder()
                      .setJoinCode(created.getJoinCode())
                      .setDisplayName("P" + p)
                      .setPreferredTeam(p)));
    }
    assertFalse(
        call(
                f,
                ClientMessage.newBuilder()
                    .setFacilitator(
                        FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())))
            .hasError());
    long epochA = value("SELECT epoch FROM node_lease WHERE node_id = 'node-a'");
    long epochB = value("SELECT epoch FROM node_lease WHERE node_id = 'node-b'");

    // the operator's views of the cluster
    String http = a.addresses().httpUrl();
    String view = get(http + "/cluster", 200);
    assertTrue(
        view.contains("\"nodeId\":\"node-a\",\"epoch\":" + epochA + ",\"state\":\"live\""), view);
    assertTrue(view.matches("(?s).*\"nodeId\":\"node-a\"[^}]*\"sessions\":1}.*"), view);
    assertTrue(view.matches("(?s).*\"nodeId\":\"node-b\"[^}]*\"sessions\":0}.*"), view);
    assertTrue(get(http + "/healthz", 200).contains("\"live\":true,\"ready\":true"));
    get(http + "/readyz", 200);
    String metrics = get(http + "/metrics", 200);
    assertTrue(metrics.contains("quarterdeck_cluster_lease_held 1"), metrics);
    assertTrue(metrics.contains("quarterdeck_cluster_sessions_owned 1"), metrics);
    assertFalse(metrics.contains("quarterdeck_cluster_append_batches_total 0\n"), metrics);

    Process restart =
        new ProcessBuilder("bash", script.toString(), "restart", dir)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    // player 0 submits while the database restarts: accepted once it is back, or UNAVAILABLE
    // ("nothing changed, try again") and accepted on a later try
    int unavailable = submitUntilAccepted(players[0], 1);
    assertEquals(0, restart.waitFor(), "pg_ctl restart");
    submitUntilAccepted(players[1], 1);
    // the turn resolved with both decisions: turn 2 is open, and player 0 plays on
    Snapshot snap =
        call(
                players[0],
                ClientMessage.newBuilder()
                    .setResume(Resume.newBuilder().setToken(tokenOf(players[0]))))
            .getSnapshot();
    assertEquals(2, snap.getOpenTurn().getTurn(), "turn 1 resolved across the restart");

    // nobody was fenced by the outage alone; the session stayed with its owner
    Thread.sleep(Duration.ofSeconds(7).toMillis()); // past a lease TTL and a takeover round
    assertEquals(epochA, value("SELECT epoch FROM node_lease WHERE node_id = 'node-a'"));
    assertEquals(epochB, value("SELECT epoch FROM node_lease WHERE node_id = 'node-b'"));
    assertEquals(2, value("SELECT count(*) FROM node_lease WHERE state = 'live'"));
    assertEquals(1, value("SELECT count(*) FROM session_owner WHERE node_id = 'node-a'"));
    System.out.printf(
        "database restart: %d UNAVAILABLE replies before the decision was"
            + " accepted; no takeover%n",
        unavailable);
  }

  private static String get(String url, int status) throws Exception {
    java.net.http.HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(status, response.statusCode(), url + ": " + response.body());
    return response.body();
  }

  private final java.util.Map<QuarterdeckClient, String> tokens = new java.util.HashMap<>();

  private String tokenOf(QuarterdeckClient c) {
    return tokens.get(c);
  }

  private int submitUntilAccepted(QuarterdeckClient c, int turn) throws Exception {
    int unavailable = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      ServerMessage reply;
      try {
        reply =
            call(
                c,
                ClientMessage.newBuilder()
                    .setSubmitDecision(
                        SubmitDecision.newBuilder()
                            .setTurn(turn)
                            .setVersion(1)
                            .setDecision(
                                Decision.newBuilder()
                                    .addHours(ActHours.newBuilder().setAct("coach").setHours(10))
                                    .addHours(ActHours.newBuilder().setAct("push").setHours(10)))));
      } catch (java.util.concurrent.TimeoutException e) {
        unavailable++;
        continue;
      }
      if (reply.hasDecisionAccepted()) {
        return unavailable;
      }
      assertTrue(reply.hasError(), "accepted or an error: " + reply);
      unavailable++;
      Thread.sleep(200);
    }
    throw new AssertionError("the decision was never accepted");
  }

  private QuarterdeckClient connect(URI tcp) throws Exception {
    QuarterdeckClient c =
        QuarterdeckClient.connect(
                tcp, ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(15)))
            .get(10, SECONDS);
    c.hello().get(10, SECONDS);
    clients.add(c);
    return c;
  }

  private ServerMessage call(QuarterdeckClient c, ClientMessage.Builder m) throws Exception {
    ServerMessage reply = c.request(m).get(20, SECONDS);
    if (reply.hasJoined()) {
      tokens.put(c, reply.getJoined().getToken());
    }
    return reply;
  }

  private long value(String sql) throws Exception {
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      assertTrue(r.next());
      return r.getLong(1);
    }
  }
}

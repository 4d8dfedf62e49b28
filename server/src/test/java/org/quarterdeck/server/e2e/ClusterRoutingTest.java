package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
import org.quarterdeck.protocol.v1.Spectate;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.ServerOptions;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.cluster.PostgresJournals;
import org.quarterdeck.server.cluster.TestDatabase;

/**
 * Routing on a real PostgreSQL with two nodes in this JVM: a session created on node A is joined,
 * resumed, spectated, played and exported through node B (which relays the connections to A, over
 * TCP and over a WebSocket in JSON text frames), a wrong join code is answered by B itself, and
 * when A drains (a clean shutdown) its relayed client is told, and its next Resume through B is
 * served by B with the acknowledged decision.
 */
class ClusterRoutingTest {
  private TestDatabase database;
  private Application nodeA;
  private Application nodeB;
  private final List<QuarterdeckClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    database = TestDatabase.create();
    nodeA = node("node-a");
    nodeB = node("node-b");
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(QuarterdeckClient::close);
    if (nodeA != null) {
      nodeA.close();
    }
    if (nodeB != null) {
      nodeB.close();
    }
    if (database != null) {
      database.close();
    }
  }

  private Application node(String id) throws Exception {
    return ServerOptions.loopback()
        .serverName("quarterdeck-test")
        .storage(
            Storage.opened(
                PostgresJournals.open(database.url(), new PostgresJournals.Node(id, "-", "-"))))
        .start();
  }

  @Test
  void anyNodeServesAnySessionAndADrainedNodesSessionsMoveOnTheirNextResume() throws Exception {
    URI aTcp = URI.create(nodeA.addresses().tcpUrl());
    URI bTcp = URI.create(nodeB.addresses().tcpUrl());
    URI bWs = URI.create(nodeB.addresses().webSocketUrl());

    SessionCreated created =
        call(
                connect(aTcp),
                ClientMessage.newBuilder()
                    .setCreateSession(
                        CreateSession.newBuilder()
                            .setSettings(
                                SessionSettings.newBuilder()
                                    .setTeams(2)
                                    .setSeed(7)
                                    .setTurnDeadlineSeconds(3600))))
            .getSessionCreated();
    assertEquals("node-a", owner(created.getSessionId()));

    // join through B, over TCP and over a (binary) WebSocket
    QuarterdeckClient p0 = connect(bTcp);
    String token0 = join(p0, created.getJoinCode(), 0);
    QuarterdeckClient p1 = connect(bWs);
    String token1 = join(p1, created.getJoinCode(), 1);
    assertFalse(token0.isEmpty() || token1.isEmpty());

    // the facilitator resumes and starts through B
    QuarterdeckClient f = connect(bTcp);
    assertTrue(
        call(
                f,
                ClientMessage.newBuilder()
                    .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())))
            .hasSnapshot());
    ServerMessage started =
        call(
            f,
            ClientMessage.newBuilder()
                .setFacilitator(
                    FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
    assertFalse(started.hasError(), "started through B: " + started);

    // a decision through B is acknowledged, and A (the owner) holds it
    Snapshot s0 =
        call(p0, ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(token0)))
            .getSnapshot();
    ServerMessage ack = submit(p0, s0);
    assertTrue(ack.hasDecisionAccepted(), "acknowledged through B: " + ack);
    Snapshot onA =
        call(
                connect(aTcp),
                ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(token0)))
            .getSnapshot();
    assertEquals(1, onA.getDraftVersion(), "the owner holds the decision sent through B");

    // a spectator through B; a wrong join code is answered by B itself
    assertFalse(
        call(
                connect(bTcp),
                ClientMessage.newBuilder()
                    .setSpectate(Spectate.newBuilder().setJoinCode(created.getJoinCode())))
            .hasError());
    ServerMessage wrong =
        call(
            connect(bTcp),
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder().setJoinCode("ZZZZZZ").setDisplayName("nobody")));
    assertEquals(ErrorCode.NOT_FOUND, wrong.getError().getCode(), wrong.toString());

    // JSON text frames through B: the client's format both ways
    String json = resumeOverJson(bWs, token1);
    assertTrue(json.contains("\"snapshot\""), json);
    assertTrue(json.contains("\"requestId\":\"2\""), json);

    // exports through B equal A's own, and a wrong token is refused through B too
    String fromA = export(nodeA.addresses().httpUrl(), created, created.getFacilitatorToken());
    String fromB = export(nodeB.addresses().httpUrl(), created, created.getFacilitatorToken());
    assertTrue(fromA.contains(created.getSessionId()), fromA);
    assertEquals(fromA, fromB);
    assertEquals(
        403, exportStatus(nodeB.addresses().httpUrl(), created, "not-the-facilitator-token"));
    assertEquals(404, exportStatus(nodeB.addresses().httpUrl(), "s-nothing-here", "x"));

    // drain A: its relayed clients are told, and the next Resume through B is served by B
    long drained = System.nanoTime();
    nodeA.close();
    nodeA = null;
    p0.closeFuture().get(20, SECONDS);
    ServerMessage resumed = resumeFollowingRetries(bTcp, token0);
    long drainMillis = (System.nanoTime() - drained) / 1_000_000;
    assertTrue(resumed.hasSnapshot(), "served by B at once after A left: " + resumed);
    assertEquals(1, resumed.getSnapshot().getDraftVersion(), "the acknowledged decision");
    assertEquals("node-b", owner(created.getSessionId()));
    System.out.printf("cluster routing: drain of A to the first Resume on B: %d ms%n", drainMillis);
  }

  /**
   * Resumes as a client does: an UNAVAILABLE answer (the session is moving) is asked again after
   * the wait it names, a closed connection is reconnected.
   */
  private ServerMessage resumeFollowingRetries(URI uri, String token) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    ServerMessage last = null;
    while (System.nanoTime() < deadline) {
      QuarterdeckClient c = connect(uri);
      last = call(c, ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(token)));
      if (!last.hasError() || last.getError().getCode() != ErrorCode.UNAVAILABLE) {
        return last;
      }
      Thread.sleep(Math.max(50, last.getError().getRetryAfterMs()));
    }
    return last;
  }

  private static String join(QuarterdeckClient c, String code, int team) throws Exception {
    ServerMessage joined =
        call(
            c,
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder()
                        .setJoinCode(code)
                        .setDisplayName("P" + team)
                        .setPreferredTeam(team)));
    assertTrue(joined.hasJoined(), "joined through B: " + joined);
    return joined.getJoined().getToken();
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
                                    .setHours(Math.floor(free * 0.5))))));
  }

  /** Hello and Resume as JSON text frames; the text of the Resume's answer. */
  private static String resumeOverJson(URI ws, String token) throws Exception {
    LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                ws,
                new WebSocket.Listener() {
                  private final StringBuilder text = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                      frames.add(text.toString());
                      text.setLength(0);
                    }
                    w.request(1);
                    return CompletableFuture.completedFuture(null);
                  }
                })
            .get(10, SECONDS);
    try {
      socket.sendText("{\"requestId\":\"1\",\"hello\":{\"protocolVersions\":[1]}}", true).join();
      socket
          .sendText("{\"requestId\":\"2\",\"resume\":{\"token\":\"" + token + "\"}}", true)
          .join();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (System.nanoTime() < deadline) {
        String frame = frames.poll(1, SECONDS);
        if (frame != null && frame.contains("\"requestId\":\"2\"")) {
          return frame;
        }
      }
      throw new AssertionError("no answer to the JSON Resume");
    } finally {
      socket.abort();
    }
  }

  private static String export(String http, SessionCreated s, String token) throws Exception {
    HttpResponse<String> r = exportResponse(http, s.getSessionId(), token);
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  private static int exportStatus(String http, SessionCreated s, String token) throws Exception {
    return exportResponse(http, s.getSessionId(), token).statusCode();
  }

  private static int exportStatus(String http, String sessionId, String token) throws Exception {
    return exportResponse(http, sessionId, token).statusCode();
  }

  private static HttpResponse<String> exportResponse(String http, String id, String token)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(http + "/sessions/" + id + "/export?format=json"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private QuarterdeckClient connect(URI uri) throws Exception {
    QuarterdeckClient c =
        QuarterdeckClient.connect(
                uri, ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(15)))
            .get(10, SECONDS);
    c.hello().get(10, SECONDS);
    clients.add(c);
    return c;
  }

  private static ServerMessage call(QuarterdeckClient c, ClientMessage.Builder m) throws Exception {
    return c.request(m).get(20, SECONDS);
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
}

package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.e2e.ClusterHarness.call;
import static org.quarterdeck.server.e2e.ClusterHarness.create;
import static org.quarterdeck.server.e2e.ClusterHarness.join;
import static org.quarterdeck.server.e2e.ClusterHarness.resume;
import static org.quarterdeck.server.e2e.ClusterHarness.submit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.Spectate;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.net.ConnectionGate;
import org.quarterdeck.server.testing.Await;

/**
 * Routing on a real PostgreSQL with two nodes in this JVM: a session created on node A is joined,
 * resumed, spectated, played and exported through node B (which relays the connections to A, over
 * TCP and over a WebSocket in JSON text frames), a wrong join code is answered by B itself, and
 * when A drains (a clean shutdown) its relayed client is told, and its next Resume through B is
 * served by B with the acknowledged decision.
 */
class ClusterRoutingTest {
  @RegisterExtension final ClusterHarness cluster = ClusterHarness.onAFreshDatabase();
  private Application nodeA;
  private Application nodeB;

  @BeforeEach
  void start() throws Exception {
    nodeA = cluster.node("node-a");
    nodeB = cluster.node("node-b");
  }

  @Test
  void anyNodeServesAnySessionAndADrainedNodesSessionsMoveOnTheirNextResume() throws Exception {
    URI aTcp = URI.create(nodeA.addresses().tcpUrl());
    URI bTcp = URI.create(nodeB.addresses().tcpUrl());
    URI bWs = URI.create(nodeB.addresses().webSocketUrl());

    SessionCreated created = create(connect(aTcp), 7, 3600);
    assertEquals("node-a", cluster.owner(created.getSessionId()));

    // join through B, over TCP and over a (binary) WebSocket
    QuarterdeckClient p0 = connect(bTcp);
    String token0 = join(p0, created.getJoinCode(), 0);
    QuarterdeckClient p1 = connect(bWs);
    String token1 = join(p1, created.getJoinCode(), 1);
    assertFalse(token0.isEmpty() || token1.isEmpty());

    // the facilitator resumes and starts through B
    ClusterHarness.start(connect(bTcp), created);

    // a decision through B is acknowledged, and A (the owner) holds it
    ServerMessage ack = submit(p0, resume(p0, token0));
    assertTrue(ack.hasDecisionAccepted(), "acknowledged through B: " + ack);
    Snapshot onA = resume(connect(aTcp), token0);
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
    cluster.stop(nodeA);
    p0.closeFuture().get(20, SECONDS);
    ServerMessage resumed = cluster.resumeUntilServed(bTcp, token0);
    long drainMillis = (System.nanoTime() - drained) / 1_000_000;
    assertTrue(resumed.hasSnapshot(), "served by B at once after A left: " + resumed);
    assertEquals(1, resumed.getSnapshot().getDraftVersion(), "the acknowledged decision");
    assertEquals("node-b", cluster.owner(created.getSessionId()));
    System.out.printf("cluster routing: drain of A to the first Resume on B: %d ms%n", drainMillis);
  }

  /**
   * A client relayed by B is counted by A against its own address (127.0.0.5 here), which B names
   * in a PROXY v2 header, not against B's; a PROXY header from an address that is no node's is not
   * believed (its bytes are read as frames, and the connection counts at its own address).
   */
  @Test
  void theOwnerCountsARelayedClientAgainstTheClientsAddress() throws Exception {
    InetAddress client = InetAddress.getByName("127.0.0.5");
    URI bTcp = URI.create(nodeB.addresses().tcpUrl());
    SessionCreated created = create(connect(URI.create(nodeA.addresses().tcpUrl())), 9, 3600);
    Socket[] joined = {null};
    // A reads the nodes' addresses from the leases every second: a relay that reaches it before
    // it knows B's is refused (UNAVAILABLE; A read its header as frames) and the client tries
    // again. A relay is never let through uncounted at the client's address.
    Await.until(
        "a client from 127.0.0.5 joins through B",
        Duration.ofSeconds(30),
        () -> {
          Socket socket = rawClient(client, bTcp);
          ServerMessage reply =
              rawCall(
                  socket,
                  ClientMessage.newBuilder()
                      .setRequestId(2)
                      .setJoinSession(
                          JoinSession.newBuilder()
                              .setJoinCode(created.getJoinCode())
                              .setDisplayName("far away")));
          if (reply != null && reply.hasJoined()) {
            joined[0] = socket;
            return true;
          }
          closeQuietly(socket);
          return false;
        });
    ConnectionGate ownersGate = nodeA.server().gate();
    // (a relay of an earlier try that A refused was counted at B's address, and is closing; so
    // are the earlier tries' connections to B)
    Await.until(
        "A counts the relayed client at the client's address",
        Duration.ofSeconds(10),
        () -> ownersGate.openFrom(client) == 1);
    Await.until(
        "B counts it too (it came to B), and no earlier try",
        Duration.ofSeconds(10),
        () -> nodeB.server().gate().openFrom(client) == 1);
    joined[0].close();
    Await.until(
        "A lets the relayed client's count go",
        Duration.ofSeconds(10),
        () -> ownersGate.openFrom(client) == 0);

    // 127.0.0.5 is no node: a PROXY header from it is not read as one (its bytes are frames, which
    // A takes or refuses as any client's), and the connection counts at 127.0.0.5
    InetAddress named = InetAddress.getByName("203.0.113.9");
    try (Socket liar = new Socket()) {
      liar.bind(new InetSocketAddress(client, 0));
      liar.connect(
          new InetSocketAddress("127.0.0.1", URI.create(nodeA.addresses().tcpUrl()).getPort()));
      liar.setSoTimeout(10_000);
      liar.getOutputStream().write(proxyV2("203.0.113.9", 4_000));
      ClientMessage.newBuilder()
          .setRequestId(1)
          .setHello(Hello.newBuilder().addProtocolVersions(1))
          .build()
          .writeDelimitedTo(liar.getOutputStream());
      liar.getOutputStream().flush();
      ServerMessage m;
      do {
        m = ServerMessage.parseDelimitedFrom(liar.getInputStream());
      } while (m != null && !m.hasWelcome());
      assertEquals(0, ownersGate.openFrom(named), "the header named 203.0.113.9: not believed");
      if (m != null) {
        assertEquals(1, ownersGate.openFrom(client), "counted at its own address");
      }
    }
  }

  /** A PROXY v2 header naming {@code address}:{@code port} as the client. */
  private static byte[] proxyV2(String address, int port) {
    io.netty.channel.embedded.EmbeddedChannel encoder =
        new io.netty.channel.embedded.EmbeddedChannel(
            io.netty.handler.codec.haproxy.HAProxyMessageEncoder.INSTANCE);
    encoder.writeOutbound(
        new io.netty.handler.codec.haproxy.HAProxyMessage(
            io.netty.handler.codec.haproxy.HAProxyProtocolVersion.V2,
            io.netty.handler.codec.haproxy.HAProxyCommand.PROXY,
            io.netty.handler.codec.haproxy.HAProxyProxiedProtocol.TCP4,
            address,
            "127.0.0.1",
            port,
            7777));
    io.netty.buffer.ByteBuf out = encoder.readOutbound();
    byte[] bytes = io.netty.buffer.ByteBufUtil.getBytes(out);
    out.release();
    return bytes;
  }

  /** A TCP connection to {@code node} from {@code from}, past its Hello. */
  private static Socket rawClient(InetAddress from, URI node) {
    try {
      Socket socket = new Socket();
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), 5_000);
      socket.setSoTimeout(15_000);
      ServerMessage welcome =
          rawCall(
              socket,
              ClientMessage.newBuilder()
                  .setRequestId(1)
                  .setHello(Hello.newBuilder().addProtocolVersions(1).setClientName("raw")));
      assertTrue(welcome != null && welcome.hasWelcome(), "welcomed: " + welcome);
      return socket;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Sends one envelope and reads until the answer to it; null when the connection closed. */
  private static ServerMessage rawCall(Socket socket, ClientMessage.Builder message) {
    try {
      ClientMessage m = message.build();
      m.writeDelimitedTo(socket.getOutputStream());
      socket.getOutputStream().flush();
      while (true) {
        ServerMessage reply = ServerMessage.parseDelimitedFrom(socket.getInputStream());
        if (reply == null || reply.getRequestId() == m.getRequestId()) {
          return reply;
        }
      }
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (java.io.IOException ignored) {
      // closing a test socket
    }
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
    return cluster.connect(uri);
  }
}

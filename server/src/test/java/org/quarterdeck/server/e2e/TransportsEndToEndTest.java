package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.Ping;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.Welcome;
import org.quarterdeck.server.testing.TestServer;

/** Hello and Ping over every way in, on real loopback sockets. */
class TransportsEndToEndTest {
  @RegisterExtension
  static final TestServer server = TestServer.inMemory();

  private URI uri(String transport) {
    return transport.equals("tcp") ? server.tcp() : server.webSocket();
  }

  @ParameterizedTest(name = "{0} json={1}")
  @CsvSource({"ws, false", "ws, true", "tcp, false"})
  void helloAndPingRoundTrip(String transport, boolean json) throws Exception {
    try (QuarterdeckClient client = server.client(uri(transport), json)) {
      Welcome welcome = client.hello().get(10, SECONDS);
      assertEquals(1, welcome.getProtocolVersion());
      assertEquals(64 * 1024, welcome.getMaxFrameBytes());
      for (long nonce = 1; nonce <= 20; nonce++) {
        ServerMessage pong = client.request(ClientMessage.newBuilder()
            .setPing(Ping.newBuilder().setNonce(nonce))).get(10, SECONDS);
        assertEquals(nonce, pong.getPong().getNonce());
      }
    }
  }

  @ParameterizedTest(name = "{0} json={1}")
  @CsvSource({"ws, false", "ws, true", "tcp, false"})
  void typedErrorsNameTheRequest(String transport, boolean json) throws Exception {
    try (QuarterdeckClient client = server.client(uri(transport), json)) {
      ServerMessage early = client.request(ClientMessage.newBuilder()
          .setPing(Ping.newBuilder())).get(10, SECONDS);
      assertEquals(ErrorCode.UNAUTHENTICATED, early.getError().getCode());
      assertEquals(1, early.getRequestId());

      ServerMessage wrongVersion = client.request(ClientMessage.newBuilder()
          .setHello(Hello.newBuilder().addProtocolVersions(99))).get(10, SECONDS);
      assertEquals(ErrorCode.UNSUPPORTED_VERSION, wrongVersion.getError().getCode());
      assertEquals(2, wrongVersion.getRequestId());

      client.hello().get(10, SECONDS);
      ServerMessage create = client.request(ClientMessage.newBuilder()
          .setCreateSession(CreateSession.newBuilder().setBuiltinScenario("x"))).get(10, SECONDS);
      assertEquals(ErrorCode.INVALID_ARGUMENT, create.getError().getCode());
      assertTrue(create.getError().getMessage().contains("x"), create.toString());
      assertEquals(4, create.getRequestId());
    }
  }

  @Test
  void healthzAnswersAndTheUpgradeAnswers101() throws Exception {
    var health = server.get("/healthz");
    assertEquals(200, health.statusCode());
    assertTrue(health.body().contains("\"status\":\"ok\""));

    // The JDK's WebSocket client fails the future unless the server answers 101.
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(server.webSocket(), new WebSocket.Listener() {}).get(10, SECONDS);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, SECONDS);
  }

  @Test
  void jsonFramesAreAnsweredInJsonAndBadJsonGetsATypedError() throws Exception {
    LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(server.webSocket(), new WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              texts.add(partial.toString());
              partial.setLength(0);
            }
            w.request(1);
            return null;
          }
        }).get(10, SECONDS);
    ws.sendText("{\"requestId\":\"1\",\"hello\":{\"protocolVersions\":[1]}}", true).get();
    String welcome = texts.poll(10, SECONDS);
    assertTrue(welcome.startsWith("{\"requestId\":\"1\",\"welcome\":{\"protocolVersion\":1"),
        welcome);
    ws.sendText("{\"requestId\":\"2\",\"ping\":{\"nonce\":\"5\"},\"surprise\":true}", true).get();
    String error = texts.poll(10, SECONDS);
    assertTrue(error.contains("\"requestId\":\"2\"") && error.contains("INVALID_ARGUMENT")
        && error.contains("surprise"), error);
    ws.sendText("{\"requestId\":\"3\",\"ping\":{\"nonce\":\"5\"}}", true).get();
    assertEquals("{\"requestId\":\"3\",\"pong\":{\"nonce\":\"5\"}}", texts.poll(10, SECONDS));
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
  }

  @Test
  void anOversizedWebSocketMessageIsClosedWith1009() throws Exception {
    CompletableFuture<Integer> closeStatus = new CompletableFuture<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(server.webSocket(), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
            closeStatus.complete(status);
            return null;
          }

          @Override
          public void onError(WebSocket w, Throwable error) {
            closeStatus.completeExceptionally(error);
          }
        }).get(10, SECONDS);
    ws.sendBinary(ByteBuffer.allocate(64 * 1024 + 1), true);
    assertEquals(1009, closeStatus.get(10, SECONDS));
  }

  @Test
  void aMessageSplitIntoFragmentsOverTheLimitIsClosedWith1009() throws Exception {
    CompletableFuture<Integer> closeStatus = new CompletableFuture<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(server.webSocket(), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
            closeStatus.complete(status);
            return null;
          }
        }).get(10, SECONDS);
    for (int i = 0; i < 5 && !closeStatus.isDone(); i++) {
      try {
        ws.sendBinary(ByteBuffer.allocate(20 * 1024), false).get(10, SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        break; // the server closed while we were sending
      }
    }
    assertEquals(1009, closeStatus.get(10, SECONDS));
  }

  @Test
  void shutdownSaysGoodbyeToEveryClient() throws Exception {
    TestServer own = TestServer.inMemory().start();
    QuarterdeckClient ws = own.client(own.webSocket(), false);
    QuarterdeckClient tcp = own.client(own.tcp(), false);
    ws.hello().get(10, SECONDS);
    tcp.hello().get(10, SECONDS);
    LinkedBlockingQueue<ServerMessage> wsPushes = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<ServerMessage> tcpPushes = new LinkedBlockingQueue<>();
    ws.onPush(wsPushes::add);
    tcp.onPush(tcpPushes::add);

    own.close();

    assertEquals(Goodbye.Reason.SERVER_SHUTDOWN,
        wsPushes.poll(10, SECONDS).getGoodbye().getReason());
    assertEquals(Goodbye.Reason.SERVER_SHUTDOWN,
        tcpPushes.poll(10, SECONDS).getGoodbye().getReason());
    ws.closeFuture().get(10, SECONDS);
    tcp.closeFuture().get(10, SECONDS);
    assertFalse(ws.isOpen());
    ws.close();
    tcp.close();
  }

}

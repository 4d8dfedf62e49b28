package org.quarterdeck.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Error;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.Joined;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Ping;
import org.quarterdeck.protocol.v1.Pong;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.Welcome;

/**
 * The client follows a server that goes away or moves a session (a drain, a failover): a Goodbye
 * that lets it come back, a Resume answered UNAVAILABLE with {@code retry_after_ms}, and, with
 * {@link ClientOptions#retryUnavailable()}, any request answered so.
 */
class ServerMovesTest {
  private static final ClientOptions FAST =
      ClientOptions.defaults()
          .withRequestTimeout(Duration.ofSeconds(5))
          .withReconnect(
              new ClientOptions.Reconnect(Duration.ofMillis(10), Duration.ofMillis(50), 5));

  private FakeServer server;
  private QuarterdeckClient client;
  private final CompletableFuture<Snapshot> resumed = new CompletableFuture<>();

  @BeforeEach
  void start() throws Exception {
    server = new FakeServer();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    server.close();
  }

  private void connect(ClientOptions options) throws Exception {
    client = QuarterdeckClient.connect(server.uri(), options).get(5, SECONDS);
    client.onConnection(
        new QuarterdeckClient.ConnectionListener() {
          @Override
          public void resumed(Snapshot snapshot) {
            resumed.complete(snapshot);
          }
        });
  }

  private Channel helloAndJoin() throws Exception {
    CompletableFuture<Welcome> hello = client.hello();
    server.next().reply(ServerMessage.newBuilder().setWelcome(Welcome.getDefaultInstance()));
    hello.get(5, SECONDS);
    CompletableFuture<Joined> joined = client.join("ABCDEF", "Ada");
    FakeServer.Received join = server.next();
    join.reply(ServerMessage.newBuilder().setJoined(Joined.newBuilder().setToken("seat")));
    joined.get(5, SECONDS);
    return join.channel();
  }

  private static ServerMessage.Builder unavailable(int retryAfterMs) {
    return ServerMessage.newBuilder()
        .setError(
            Error.newBuilder()
                .setCode(ErrorCode.UNAVAILABLE)
                .setMessage("the session is moving")
                .setRetryAfterMs(retryAfterMs));
  }

  private static ServerMessage.Builder snapshot() {
    return ServerMessage.newBuilder()
        .setSnapshot(Snapshot.newBuilder().setSessionId("s-1").setPhase(Phase.TURN_OPEN));
  }

  @Test
  void aGoodbyeOfAServerShuttingDownIsFollowedByAResumeOnANewConnection() throws Exception {
    connect(FAST);
    Channel first = helloAndJoin();
    // The server says goodbye but (unlike a real one) leaves the connection open: the client
    // does not wait for the close.
    first.writeAndFlush(
        ServerMessage.newBuilder()
            .setGoodbye(
                Goodbye.newBuilder()
                    .setReason(Goodbye.Reason.SERVER_SHUTDOWN)
                    .setMessage("draining"))
            .build());
    FakeServer.Received hello = server.next();
    assertTrue(hello.message().hasHello());
    assertNotSame(first, hello.channel());
    hello.reply(ServerMessage.newBuilder().setWelcome(Welcome.getDefaultInstance()));
    FakeServer.Received resume = server.next();
    assertEquals("seat", resume.message().getResume().getToken());
    resume.reply(snapshot());
    assertEquals("s-1", resumed.get(5, SECONDS).getSessionId());
    assertTrue(client.isOpen());
  }

  @Test
  void aResumeAnsweredUnavailableIsTriedAgainNoSoonerThanTheServerAsked() throws Exception {
    connect(FAST);
    helloAndJoin().close();
    server.next().reply(ServerMessage.newBuilder().setWelcome(Welcome.getDefaultInstance()));
    FakeServer.Received refused = server.next();
    assertTrue(refused.message().hasResume());
    long answered = System.nanoTime();
    refused.reply(unavailable(400)); // the backoff alone would try again after 10 to 50 ms

    FakeServer.Received hello = server.next();
    long waitedMs = (System.nanoTime() - answered) / 1_000_000;
    assertTrue(hello.message().hasHello());
    assertNotSame(refused.channel(), hello.channel(), "a new connection (maybe another node)");
    assertTrue(waitedMs >= 400, "tried again after " + waitedMs + " ms, before retry_after_ms");
    hello.reply(ServerMessage.newBuilder().setWelcome(Welcome.getDefaultInstance()));
    FakeServer.Received resume = server.next();
    assertEquals("seat", resume.message().getResume().getToken());
    resume.reply(snapshot());
    assertEquals(Phase.TURN_OPEN, resumed.get(5, SECONDS).getPhase());
    assertEquals("seat", client.token(), "UNAVAILABLE never costs the token");
  }

  @Test
  void withRetryUnavailableARequestIsSentAgainAfterTheHint() throws Exception {
    connect(FAST.withRetryUnavailable(true));
    CompletableFuture<ServerMessage> reply =
        client.request(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(3)));
    FakeServer.Received first = server.next();
    first.reply(unavailable(100));
    FakeServer.Received again = server.next();
    assertEquals(3, again.message().getPing().getNonce());
    assertTrue(again.message().getRequestId() != first.message().getRequestId());
    again.reply(ServerMessage.newBuilder().setPong(Pong.newBuilder().setNonce(3)));
    assertEquals(3, reply.get(5, SECONDS).getPong().getNonce());
  }

  @Test
  void withoutTheSwitchOrPastTheTimeoutTheUnavailableAnswerIsHandedOn() throws Exception {
    connect(FAST);
    CompletableFuture<ServerMessage> plain =
        client.request(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(1)));
    server.next().reply(unavailable(100));
    assertEquals(ErrorCode.UNAVAILABLE, plain.get(5, SECONDS).getError().getCode());
    client.close();

    client =
        QuarterdeckClient.connect(server.uri(), FAST.withRetryUnavailable(true)).get(5, SECONDS);
    CompletableFuture<ServerMessage> tooLate =
        client.request(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(2)));
    server.next().reply(unavailable(60_000)); // longer than the 5 s request timeout
    assertEquals(ErrorCode.UNAVAILABLE, tooLate.get(5, SECONDS).getError().getCode());
  }
}

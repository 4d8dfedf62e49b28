package org.quarterdeck.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

/** Correlation, timeouts and resume-after-drop against a server the test answers by hand. */
class QuarterdeckClientTest {
  private static final ClientOptions FAST =
      ClientOptions.defaults()
          .withRequestTimeout(Duration.ofSeconds(5))
          .withReconnect(
              new ClientOptions.Reconnect(Duration.ofMillis(10), Duration.ofMillis(50), 5));

  private FakeServer server;
  private QuarterdeckClient client;

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

  private QuarterdeckClient connect(ClientOptions options) throws Exception {
    client = QuarterdeckClient.connect(server.uri(), options).get(5, SECONDS);
    return client;
  }

  @Test
  void repliesAreMatchedByRequestIdEvenOutOfOrder() throws Exception {
    connect(FAST);
    List<CompletableFuture<ServerMessage>> replies = new ArrayList<>();
    for (long nonce = 1; nonce <= 3; nonce++) {
      replies.add(
          client.request(
              ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(nonce * 100))));
    }
    List<FakeServer.Received> asked = List.of(server.next(), server.next(), server.next());
    // Answer last first, echoing each request's nonce so a mix-up would show.
    for (int i = 2; i >= 0; i--) {
      FakeServer.Received r = asked.get(i);
      r.reply(
          ServerMessage.newBuilder()
              .setPong(Pong.newBuilder().setNonce(r.message().getPing().getNonce())));
    }
    for (int i = 0; i < 3; i++) {
      assertEquals((i + 1) * 100L, replies.get(i).get(5, SECONDS).getPong().getNonce());
    }
  }

  @Test
  void pushesGoToListenersNotToRequests() throws Exception {
    connect(FAST);
    CompletableFuture<ServerMessage> push = new CompletableFuture<>();
    client.onPush(push::complete);
    CompletableFuture<ServerMessage> reply =
        client.request(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(7)));
    FakeServer.Received r = server.next();
    r.channel()
        .writeAndFlush(
            ServerMessage.newBuilder()
                .setPong(Pong.newBuilder().setNonce(99))
                .build()); // request id 0: a push
    assertEquals(99, push.get(5, SECONDS).getPong().getNonce());
    assertFalse(reply.isDone());
    r.reply(ServerMessage.newBuilder().setPong(Pong.newBuilder().setNonce(7)));
    assertEquals(7, reply.get(5, SECONDS).getPong().getNonce());
  }

  @Test
  void aRequestTheServerNeverAnswersFailsWithTimeout() throws Exception {
    connect(FAST.withRequestTimeout(Duration.ofMillis(200)));
    CompletableFuture<ServerMessage> reply =
        client.request(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(1)));
    server.next(); // received, never answered
    ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(5, SECONDS));
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertTrue(client.isOpen(), "a timeout does not close the connection");
  }

  @Test
  void errorRepliesFailCallsWithTheTypedError() throws Exception {
    connect(FAST);
    CompletableFuture<Welcome> hello = client.hello();
    server
        .next()
        .reply(
            ServerMessage.newBuilder()
                .setError(
                    Error.newBuilder().setCode(ErrorCode.UNSUPPORTED_VERSION).setMessage("no")));
    ExecutionException e = assertThrows(ExecutionException.class, () -> hello.get(5, SECONDS));
    ServerReplyException reply = assertInstanceOf(ServerReplyException.class, e.getCause());
    assertEquals(ErrorCode.UNSUPPORTED_VERSION, reply.error().getCode());
  }

  /** Says Hello and joins; returns the server side of the connection. */
  private Channel helloAndJoin(String token) throws Exception {
    CompletableFuture<Welcome> hello = client.hello();
    server
        .next()
        .reply(ServerMessage.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(1)));
    hello.get(5, SECONDS);
    CompletableFuture<Joined> joined = client.join("ABCDEF", "Ada");
    FakeServer.Received join = server.next();
    assertEquals("Ada", join.message().getJoinSession().getDisplayName());
    join.reply(
        ServerMessage.newBuilder().setJoined(Joined.newBuilder().setToken(token).setTeam(2)));
    assertEquals(2, joined.get(5, SECONDS).getTeam());
    assertEquals(token, client.token());
    return join.channel();
  }

  @Test
  void aRequestOnAClosedClientFailsItsFutureInsteadOfThrowing() throws Exception {
    connect(FAST);
    client.close(); // its event loop is shut down: scheduling the request's timer is refused
    CompletableFuture<ServerMessage> reply =
        client.request(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(7)));
    ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(5, SECONDS));
    assertInstanceOf(ClosedChannelException.class, e.getCause());
  }

  @Test
  void afterADropTheClientReconnectsResumesWithItsTokenAndDeliversTheSnapshot() throws Exception {
    connect(FAST);
    CompletableFuture<Snapshot> resumed = new CompletableFuture<>();
    CompletableFuture<Integer> dropped = new CompletableFuture<>();
    client.onConnection(
        new QuarterdeckClient.ConnectionListener() {
          @Override
          public void dropped(int attempt, Duration delay) {
            dropped.complete(attempt);
          }

          @Override
          public void resumed(Snapshot snapshot) {
            resumed.complete(snapshot);
          }
        });
    Channel first = helloAndJoin("seat-token");
    CompletableFuture<ServerMessage> inFlight =
        client.request(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(5)));
    server.next(); // the ping arrived and will never be answered on this connection
    first.close(); // the server side drops the connection

    ExecutionException e = assertThrows(ExecutionException.class, () -> inFlight.get(5, SECONDS));
    assertInstanceOf(ClosedChannelException.class, e.getCause());
    assertEquals(1, dropped.get(5, SECONDS));

    FakeServer.Received hello = server.next();
    assertTrue(hello.message().hasHello(), "a new connection starts with Hello");
    assertTrue(hello.channel() != first);
    hello.reply(ServerMessage.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(1)));
    FakeServer.Received resume = server.next();
    assertEquals("seat-token", resume.message().getResume().getToken());
    resume.reply(
        ServerMessage.newBuilder()
            .setSnapshot(
                Snapshot.newBuilder().setSessionId("s-1").setTeam(2).setPhase(Phase.TURN_OPEN)));

    Snapshot snapshot = resumed.get(5, SECONDS);
    assertEquals(2, snapshot.getTeam());
    assertTrue(client.isOpen());
    // Requests work again, on the new connection.
    CompletableFuture<ServerMessage> ping =
        client.request(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(6)));
    FakeServer.Received again = server.next();
    assertTrue(again.channel() == resume.channel());
    again.reply(ServerMessage.newBuilder().setPong(Pong.newBuilder().setNonce(6)));
    assertEquals(6, ping.get(5, SECONDS).getPong().getNonce());
  }

  @Test
  void whileTheServerIsDownTheClientKeepsTryingThenGivesUp() throws Exception {
    connect(
        FAST.withReconnect(
            new ClientOptions.Reconnect(Duration.ofMillis(5), Duration.ofMillis(20), 3)));
    CompletableFuture<Throwable> gaveUp = new CompletableFuture<>();
    List<Integer> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
    client.onConnection(
        new QuarterdeckClient.ConnectionListener() {
          @Override
          public void dropped(int attempt, Duration delay) {
            attempts.add(attempt);
          }

          @Override
          public void gaveUp(Throwable cause) {
            gaveUp.complete(cause);
          }
        });
    Channel first = helloAndJoin("t");
    server.stopListening(); // every reconnection is refused from now on
    first.close().sync();
    try {
      assertTrue(gaveUp.get(10, SECONDS) != null);
    } catch (TimeoutException e) {
      throw new AssertionError("never gave up; drops seen: " + attempts, e);
    }
    assertEquals(List.of(1, 2, 3), attempts);
    client.closeFuture().get(5, SECONDS);
    assertFalse(client.isOpen());
  }

  @Test
  void aKickedSeatIsNotResumed() throws Exception {
    connect(FAST);
    CompletableFuture<Throwable> gaveUp = new CompletableFuture<>();
    client.onConnection(
        new QuarterdeckClient.ConnectionListener() {
          @Override
          public void gaveUp(Throwable cause) {
            gaveUp.complete(cause);
          }
        });
    Channel ch = helloAndJoin("t");
    ch.writeAndFlush(
        ServerMessage.newBuilder()
            .setGoodbye(Goodbye.newBuilder().setReason(Goodbye.Reason.KICKED))
            .build());
    ch.close();
    gaveUp.get(5, SECONDS);
    client.closeFuture().get(5, SECONDS);
    assertNull(server.received.poll(200, TimeUnit.MILLISECONDS), "no reconnection attempt");
  }

  @Test
  void aRefusedTokenEndsTheClient() throws Exception {
    connect(FAST);
    CompletableFuture<Throwable> gaveUp = new CompletableFuture<>();
    client.onConnection(
        new QuarterdeckClient.ConnectionListener() {
          @Override
          public void gaveUp(Throwable cause) {
            gaveUp.complete(cause);
          }
        });
    helloAndJoin("revoked").close();
    server.next().reply(ServerMessage.newBuilder().setWelcome(Welcome.getDefaultInstance()));
    server
        .next()
        .reply(
            ServerMessage.newBuilder()
                .setError(
                    Error.newBuilder()
                        .setCode(ErrorCode.UNAUTHENTICATED)
                        .setMessage("unknown or revoked token")));
    ServerReplyException e = assertInstanceOf(ServerReplyException.class, gaveUp.get(5, SECONDS));
    assertEquals(ErrorCode.UNAUTHENTICATED, e.error().getCode());
    client.closeFuture().get(5, SECONDS);
  }
}

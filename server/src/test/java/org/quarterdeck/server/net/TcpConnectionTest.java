package org.quarterdeck.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Ping;
import org.quarterdeck.protocol.v1.Pong;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.SessionGateway;

/** The TCP pipeline and the connection handler, on an EmbeddedChannel with its own clock. */
class TcpConnectionTest {
  private static final NetLimits LIMITS =
      NetLimits.defaults()
          .withMaxFrameBytes(2048)
          .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60));

  private final ServerMetrics metrics = new ServerMetrics();
  private final ConnectionRegistry registry = new ConnectionRegistry();

  private EmbeddedChannel open(NetLimits limits) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.freezeTime();
    ProtocolDispatcher dispatcher =
        new ProtocolDispatcher(limits, SessionGateway.unavailable(), "test-server");
    new TcpChannelInitializer(new ConnectionPipeline(limits, dispatcher, metrics, registry))
        .configure(channel.pipeline());
    return channel;
  }

  private static ByteBuf framed(ClientMessage message) {
    byte[] body = message.toByteArray();
    ByteBuf buf = Unpooled.buffer();
    try (var out = new io.netty.buffer.ByteBufOutputStream(buf)) {
      message.writeDelimitedTo(out);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertTrue(buf.readableBytes() > body.length);
    return buf;
  }

  private static List<ServerMessage> replies(EmbeddedChannel channel) {
    channel.runPendingTasks(); // messages sent outside a read leave in a task of the event loop
    List<ServerMessage> out = new ArrayList<>();
    ByteBuf chunk;
    while ((chunk = channel.readOutbound()) != null) {
      try (InputStream in = new ByteBufInputStream(chunk, true)) {
        ServerMessage m;
        while ((m = ServerMessage.parseDelimitedFrom(in)) != null) {
          out.add(m);
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }

  private static ClientMessage hello(long id, int... versions) {
    Hello.Builder hello = Hello.newBuilder();
    for (int v : versions) {
      hello.addProtocolVersions(v);
    }
    return ClientMessage.newBuilder().setRequestId(id).setHello(hello).build();
  }

  private static ClientMessage ping(long id) {
    return ClientMessage.newBuilder()
        .setRequestId(id)
        .setPing(Ping.newBuilder().setNonce(id))
        .build();
  }

  @Test
  void helloIsAnsweredWithWelcomeAndPingWithPong() {
    EmbeddedChannel channel = open(LIMITS);
    channel.writeInbound(framed(hello(1, 1, 7)), framed(ping(2)));
    List<ServerMessage> replies = replies(channel);
    assertEquals(2, replies.size());
    assertEquals(1, replies.get(0).getRequestId());
    assertEquals(1, replies.get(0).getWelcome().getProtocolVersion());
    assertEquals(2048, replies.get(0).getWelcome().getMaxFrameBytes());
    assertEquals(2, replies.get(1).getRequestId());
    assertEquals(2, replies.get(1).getPong().getNonce());
    assertEquals(1, registry.size());
    channel.finishAndReleaseAll();
    assertEquals(0, registry.size());
  }

  @Test
  void anUnsupportedVersionGetsATypedErrorAndNoHandshake() {
    EmbeddedChannel channel = open(LIMITS);
    channel.writeInbound(framed(hello(3, 2, 3)), framed(ping(4)));
    List<ServerMessage> replies = replies(channel);
    assertEquals(ErrorCode.UNSUPPORTED_VERSION, replies.get(0).getError().getCode());
    assertEquals(3, replies.get(0).getRequestId());
    assertEquals(ErrorCode.UNAUTHENTICATED, replies.get(1).getError().getCode());
    assertEquals(4, replies.get(1).getRequestId());
    assertTrue(channel.isOpen());
  }

  @Test
  void aMessageWithoutHandlerYetGetsUnavailableNamingItsRequest() {
    EmbeddedChannel channel = open(LIMITS);
    channel.writeInbound(
        framed(hello(1, 1)),
        framed(
            ClientMessage.newBuilder()
                .setRequestId(5)
                .setJoinSession(JoinSession.newBuilder().setJoinCode("ABCDEF"))
                .build()));
    ServerMessage reply = replies(channel).get(1);
    assertEquals(5, reply.getRequestId());
    assertEquals(ErrorCode.UNAVAILABLE, reply.getError().getCode());
    assertTrue(reply.getError().getMessage().contains("JOIN_SESSION"));
  }

  @Test
  void aSecondHelloIsAWrongPhase() {
    EmbeddedChannel channel = open(LIMITS);
    channel.writeInbound(framed(hello(1, 1)), framed(hello(2, 1)));
    assertEquals(ErrorCode.WRONG_PHASE, replies(channel).get(1).getError().getCode());
  }

  @Test
  void garbageInsideAValidFrameGetsAnErrorAndTheConnectionCarriesOn() {
    EmbeddedChannel channel = open(LIMITS);
    ByteBuf garbage =
        Unpooled.buffer().writeByte(3).writeByte(0xFF).writeByte(0xFF).writeByte(0xFF);
    channel.writeInbound(garbage, framed(hello(1, 1)));
    List<ServerMessage> replies = replies(channel);
    assertEquals(ErrorCode.INVALID_ARGUMENT, replies.get(0).getError().getCode());
    assertTrue(replies.get(1).hasWelcome());
    assertTrue(channel.isOpen());
    assertEquals(0, garbage.refCnt());
  }

  @Test
  void anOversizedFrameIsRefusedAndTheConnectionClosed() {
    EmbeddedChannel channel = open(LIMITS);
    ByteBuf huge = Unpooled.buffer().writeByte(0x80).writeByte(0x40).writeZero(100); // 8192
    channel.writeInbound(huge);
    List<ServerMessage> replies = replies(channel);
    assertEquals(ErrorCode.TOO_LARGE, replies.get(0).getError().getCode());
    assertEquals(Goodbye.Reason.PROTOCOL_ERROR, replies.get(1).getGoodbye().getReason());
    channel.runPendingTasks();
    assertFalse(channel.isOpen());
    assertEquals(0, huge.refCnt());
  }

  @Test
  void tooManyBadFramesInARowCloseTheConnection() {
    EmbeddedChannel channel = open(LIMITS);
    for (int i = 0; i < LIMITS.maxConsecutiveBadFrames(); i++) {
      channel.writeInbound(Unpooled.buffer().writeByte(1).writeByte(0xFF));
    }
    List<ServerMessage> replies = replies(channel);
    assertEquals(LIMITS.maxConsecutiveBadFrames() + 1, replies.size());
    assertTrue(replies.get(replies.size() - 1).hasGoodbye());
    channel.runPendingTasks();
    assertFalse(channel.isOpen());
  }

  @Test
  void aFloodIsRateLimitedThenClosed() {
    NetLimits limits = LIMITS.withRate(10, 5);
    EmbeddedChannel channel = open(limits);
    channel.writeInbound(framed(hello(1, 1)));
    replies(channel);
    for (int i = 0; i < 4; i++) {
      channel.writeInbound(framed(ping(10 + i)));
    }
    channel.writeInbound(framed(ping(20)));
    List<ServerMessage> replies = replies(channel);
    assertEquals(5, replies.size());
    ServerMessage limited = replies.get(4);
    assertEquals(ErrorCode.RATE_LIMITED, limited.getError().getCode());
    assertEquals(20, limited.getRequestId());
    assertTrue(limited.getError().getRetryAfterMs() > 0);

    channel.advanceTimeBy(1, TimeUnit.SECONDS); // ten tokens back, five kept
    channel.writeInbound(framed(ping(30)));
    assertTrue(replies(channel).get(0).hasPong());

    ByteBuf[] flood100 = new ByteBuf[100];
    for (int i = 0; i < flood100.length; i++) {
      flood100[i] = framed(ping(100 + i));
    }
    channel.writeInbound((Object[]) flood100);
    List<ServerMessage> flood = replies(channel);
    assertTrue(flood.get(flood.size() - 1).hasGoodbye(), "a sustained flood is closed");
    channel.runPendingTasks();
    assertFalse(channel.isOpen());
  }

  @Test
  void aSustainedFloodJustAboveTheRateIsClosedToo() {
    // 300 messages a second against a limit of 100: a token comes back every 10 ms, so refusals
    // never run 200 in a row; the connection must still be closed within seconds.
    EmbeddedChannel channel = open(LIMITS.withRate(100, 200));
    channel.writeInbound(framed(hello(1, 1)));
    replies(channel);
    int sent = 0;
    for (int tick = 0; tick < 1500 && channel.isOpen(); tick++) { // 15 s of 10 ms ticks
      for (int i = 0; i < 3 && channel.isOpen(); i++) {
        channel.writeInbound(framed(ping(100 + sent++)));
      }
      replies(channel);
      channel.advanceTimeBy(10, TimeUnit.MILLISECONDS);
      channel.runPendingTasks();
    }
    assertFalse(channel.isOpen(), "closed");
    assertTrue(sent < 300 * 5, "closed within 5 s of flooding, after " + sent + " messages");
  }

  @Test
  void noHelloWithinTheHandshakeTimeoutClosesTheConnection() {
    EmbeddedChannel channel = open(LIMITS);
    channel.advanceTimeBy(9, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertTrue(channel.isOpen());
    channel.advanceTimeBy(2, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    List<ServerMessage> replies = replies(channel);
    assertEquals(Goodbye.Reason.PROTOCOL_ERROR, replies.get(0).getGoodbye().getReason());
    channel.runPendingTasks();
    assertFalse(channel.isOpen());
  }

  @Test
  void aBurstOfMessagesSentOutsideAReadLeavesInOneFlush() {
    EmbeddedChannel channel = open(LIMITS);
    AtomicInteger flushes = new AtomicInteger();
    channel
        .pipeline()
        .addFirst(
            new io.netty.channel.ChannelOutboundHandlerAdapter() {
              @Override
              public void flush(io.netty.channel.ChannelHandlerContext ctx) {
                flushes.incrementAndGet();
                ctx.flush();
              }
            });
    channel.writeInbound(framed(hello(1, 1)));
    replies(channel);
    flushes.set(0);
    Connection connection = registry.snapshot().get(0);
    for (int i = 1; i <= 3; i++) {
      connection.send(ServerMessage.newBuilder().setPing(Ping.newBuilder().setNonce(i)).build());
    }
    List<ServerMessage> out = replies(channel);
    assertEquals(
        List.of(1L, 2L, 3L),
        out.stream().map(m -> m.getPing().getNonce()).toList(),
        "every message, in order");
    assertEquals(1, flushes.get(), "one flush (one system call) for the burst");
  }

  @Test
  void silenceIsPingedThenClosed() {
    EmbeddedChannel channel = open(LIMITS);
    channel.writeInbound(framed(hello(1, 1)));
    replies(channel);
    channel.advanceTimeBy(61, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    List<ServerMessage> ping = replies(channel);
    assertEquals(1, ping.size());
    assertTrue(ping.get(0).hasPing());
    assertEquals(0, ping.get(0).getRequestId());

    // an answer resets the clock
    channel.writeInbound(
        framed(
            ClientMessage.newBuilder()
                .setPong(Pong.newBuilder().setNonce(ping.get(0).getPing().getNonce()))
                .build()));
    channel.advanceTimeBy(61, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertTrue(replies(channel).get(0).hasPing());
    assertTrue(channel.isOpen());

    channel.advanceTimeBy(61, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertEquals(Goodbye.Reason.IDLE, replies(channel).get(0).getGoodbye().getReason());
    channel.runPendingTasks();
    assertFalse(channel.isOpen());
  }

  @Test
  void aReaderWhoseQueueExceedsTheHardCapIsClosedInsteadOfBufferingWithoutBound() {
    EmbeddedChannel channel =
        open(
            LIMITS
                .withRate(10_000, 10_000)
                .withWriteBuffer(64, 256)
                .withSlowReader(Duration.ofSeconds(15), 1024));
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(64, 256));
    // The rule under test is the connection handler's: replies that pile up within one read.
    // Served 4 a turn (FairShare), 200 pings never pile up; large replies to a few requests do.
    channel.pipeline().remove(FairShare.NAME);
    ByteBuf[] frames = new ByteBuf[201];
    frames[0] = framed(hello(1, 1));
    for (int i = 0; i < 200; i++) {
      frames[i + 1] = framed(ping(2 + i));
    }
    // One read batch: replies queue unflushed until the read completes, as on a socket that
    // does not drain.
    channel.writeInbound((Object[]) frames);
    channel.runPendingTasks();
    assertFalse(channel.isOpen());
    String text = metrics.prometheusText();
    assertTrue(text.contains("quarterdeck_slow_reader_closes_total 1.0"), text);
    long sent =
        text.lines()
            .filter(l -> l.startsWith("quarterdeck_messages_out_total "))
            .mapToLong(l -> (long) Double.parseDouble(l.split(" ")[1]))
            .sum();
    assertTrue(sent < 50, "stopped queueing replies once the buffer was full, sent " + sent);
  }
}

package org.quarterdeck.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.quarterdeck.server.http.HttpChannelInitializer;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.net.BadFrame;
import org.quarterdeck.server.net.ConnectionPipeline;
import org.quarterdeck.server.net.ConnectionRegistry;
import org.quarterdeck.server.net.EnvelopeParser;
import org.quarterdeck.server.net.Inbound;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.ProtocolDispatcher;
import org.quarterdeck.server.net.TcpChannelInitializer;
import org.quarterdeck.server.port.SessionGateway;

/**
 * What the fuzz tests feed: each target takes one input and fails (throws) on a crash, a hang (an
 * input that takes more than {@link #HANG_NANOS}) or a broken promise of the code under test;
 * buffers left unreleased are caught by Netty's leak detector at PARANOID, counted by {@link
 * #leaks()}.
 */
final class FuzzTargets {
  /** 2 s in CI; the niced long run may allow more ({@code -Dfuzz.hang.ms}) on a loaded machine. */
  static final long HANG_NANOS = Long.getLong("fuzz.hang.ms", 2_000) * 1_000_000L;

  static final NetLimits LIMITS = NetLimits.defaults().withMaxFrameBytes(4096);
  private static final AtomicLong LEAKS = new AtomicLong();
  private static final EnvelopeParser PARSER = new EnvelopeParser(LIMITS);
  private static final String UPGRADE =
      "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n";

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    try {
      // the detector every ByteBuf is tracked by; the listener counts what it reports
      Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
      field.setAccessible(true);
      ((ResourceLeakDetector<?>) field.get(null))
          .setLeakListener((type, records) -> LEAKS.incrementAndGet());
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private FuzzTargets() {}

  /** Leaks reported so far, after a GC and fresh allocations that make the detector look. */
  static long leaks() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (int i = 0; i < 200; i++) {
        ByteBufAllocator.DEFAULT.buffer(16).release();
        ByteBufAllocator.DEFAULT.heapBuffer(16).release();
      }
    }
    return LEAKS.get();
  }

  private static void timed(Runnable target) {
    long start = System.nanoTime();
    target.run();
    long took = System.nanoTime() - start;
    if (took >= HANG_NANOS) {
      throw new SlowInput("an input took " + took / 1_000_000 + " ms");
    }
  }

  /** An input that returned, but later than {@link #HANG_NANOS}: counted as a hang. */
  static final class SlowInput extends AssertionError {
    private static final long serialVersionUID = 1L;

    SlowInput(String message) {
      super(message);
    }
  }

  /** The envelope parser over a binary frame and over the same bytes as JSON text. */
  static void envelope(byte[] input) {
    timed(
        () -> {
          ByteBuf frame = Unpooled.wrappedBuffer(input);
          try {
            Object parsed = PARSER.parseBinary(frame);
            assertTrue(
                parsed instanceof Inbound || parsed instanceof BadFrame, String.valueOf(parsed));
            ReferenceCountUtil.release(parsed);
            Object json = PARSER.parseJson(new String(input, StandardCharsets.UTF_8));
            assertTrue(json instanceof Inbound || json instanceof BadFrame, String.valueOf(json));
            ReferenceCountUtil.release(json);
          } finally {
            frame.release();
          }
        });
  }

  private static ConnectionPipeline tail(ServerMetrics metrics) {
    return new ConnectionPipeline(
        LIMITS,
        new ProtocolDispatcher(LIMITS, SessionGateway.unavailable(), "fuzz"),
        metrics,
        new ConnectionRegistry());
  }

  /** The TCP pipeline (varint frame decoder, envelope decoder, connection) fed in chunks. */
  static void tcp(byte[] input, int chunk) {
    timed(
        () -> {
          EmbeddedChannel channel = new EmbeddedChannel();
          new TcpChannelInitializer(tail(new ServerMetrics())).configure(channel.pipeline());
          feed(channel, input, chunk);
        });
  }

  /** The WebSocket pipeline after a completed upgrade, fed raw frame bytes in chunks. */
  static void webSocket(byte[] frames, int chunk) {
    timed(
        () -> {
          EmbeddedChannel channel = http();
          channel.writeInbound(Unpooled.copiedBuffer(UPGRADE, StandardCharsets.US_ASCII));
          String response = drain(channel);
          assertTrue(response.startsWith("HTTP/1.1 101"), response);
          feed(channel, frames, chunk);
        });
  }

  /** One HTTP request line with {@code target} (path and query as a client sent them). */
  static void httpTarget(String target) {
    timed(
        () -> {
          EmbeddedChannel channel = http();
          channel.writeInbound(
              Unpooled.copiedBuffer(
                  "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.ISO_8859_1));
          String response = drain(channel);
          // answers computed off the event loop (QR codes, exports) come back as tasks
          long deadline = System.nanoTime() + HANG_NANOS / 2;
          while (response.isEmpty() && channel.isOpen() && System.nanoTime() < deadline) {
            Thread.yield();
            channel.runPendingTasks();
            response = drain(channel);
          }
          assertTrue(
              response.startsWith("HTTP/1.1 ") || !channel.isOpen(), "no answer to GET " + target);
          if (!response.isEmpty()) {
            int status = Integer.parseInt(response.substring(9, 12));
            assertTrue(
                status == 200
                    || status == 400
                    || status == 404
                    || status == 405
                    || status == 403
                    || status == 429
                    || status == 503,
                response);
          }
          channel.finishAndReleaseAll();
        });
  }

  private static EmbeddedChannel http() {
    EmbeddedChannel channel = new EmbeddedChannel();
    ServerMetrics metrics = new ServerMetrics();
    new HttpChannelInitializer(tail(metrics), metrics).configure(channel.pipeline());
    return channel;
  }

  private static void feed(EmbeddedChannel channel, byte[] input, int chunk) {
    int step = Math.max(1, chunk);
    for (int i = 0; i < input.length && channel.isOpen(); i += step) {
      ByteBuf part = channel.alloc().buffer();
      part.writeBytes(input, i, Math.min(step, input.length - i));
      channel.writeInbound(part);
      channel.runPendingTasks();
      drain(channel);
    }
    channel.runPendingTasks();
    drain(channel);
    channel.finishAndReleaseAll();
  }

  /** Everything written out so far, as text; every buffer released. */
  private static String drain(EmbeddedChannel channel) {
    StringBuilder out = new StringBuilder();
    Object m;
    while ((m = channel.readOutbound()) != null) {
      if (m instanceof ByteBuf buf) {
        out.append(buf.toString(StandardCharsets.ISO_8859_1));
      }
      ReferenceCountUtil.release(m);
    }
    return out.toString();
  }
}

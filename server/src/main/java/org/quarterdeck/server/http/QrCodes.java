package org.quarterdeck.server.http;

import static java.util.Objects.requireNonNull;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Renders QR codes as SVG on a thread of their own, never on an event loop: a QR code of 500
 * characters costs milliseconds of CPU, and a flood of them on the event loops delayed every game
 * on those loops (Ping p50 500 ms). New codes are also rationed ({@value #NEW_PER_SECOND} a second,
 * bursts of {@value #NEW_BURST}) so a flood cannot take a whole core either; past that, and when
 * the queue is full, the answer is 503 at once. Recent codes are cached and served without limit (a
 * facilitator page asks for the same join link again and again).
 */
final class QrCodes implements AutoCloseable {
  static final int MAX_TEXT = 512;
  private static final int QUEUE = 64;
  private static final int CACHE_ENTRIES = 256;
  static final int NEW_PER_SECOND = 20;
  static final int NEW_BURST = 40;

  /** The outcome of a request: an SVG, or a reason it cannot be drawn. */
  record Rendered(byte[] svg, String problem) {}

  private final ExecutorService renderer;
  private final TokenBucket newCodes = new TokenBucket(NEW_PER_SECOND, NEW_BURST);
  private final Map<String, byte[]> recent =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
          return size() > CACHE_ENTRIES;
        }
      };

  QrCodes() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            1,
            1,
            10,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, "quarterdeck-qr");
              t.setDaemon(true);
              // below the event loops: a flood of QR codes yields the CPU to the games
              t.setPriority(Thread.MIN_PRIORITY);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    this.renderer = pool;
  }

  /**
   * The SVG of {@code text}, completed on the renderer's thread (or at once from the cache). Fails
   * with {@link RejectedExecutionException} when the queue is full.
   */
  CompletableFuture<Rendered> render(String text) {
    requireNonNull(text, "text");
    if (text.isEmpty() || text.length() > MAX_TEXT) {
      return CompletableFuture.completedFuture(
          new Rendered(null, "text must be 1.." + MAX_TEXT + " characters"));
    }
    byte[] cached = cached(text);
    if (cached != null) {
      return CompletableFuture.completedFuture(new Rendered(cached, null));
    }
    if (!newCodes.tryAcquire()) {
      return CompletableFuture.failedFuture(
          new RejectedExecutionException("more than " + NEW_PER_SECOND + " new QR codes a second"));
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            byte[] svg = svg(text).getBytes(StandardCharsets.UTF_8);
            synchronized (recent) {
              recent.put(text, svg);
            }
            return new Rendered(svg, null);
          } catch (WriterException e) {
            return new Rendered(null, "cannot encode");
          }
        },
        renderer);
  }

  private byte[] cached(String text) {
    synchronized (recent) {
      return recent.get(text);
    }
  }

  /** A QR code as an SVG of one path, with a four-module quiet zone. */
  static String svg(String text) throws WriterException {
    BitMatrix m =
        new QRCodeWriter()
            .encode(
                text,
                BarcodeFormat.QR_CODE,
                0,
                0,
                Map.of(
                    EncodeHintType.ERROR_CORRECTION,
                    ErrorCorrectionLevel.M,
                    EncodeHintType.CHARACTER_SET,
                    "UTF-8",
                    EncodeHintType.MARGIN,
                    4));
    StringBuilder d = new StringBuilder();
    for (int y = 0; y < m.getHeight(); y++) {
      for (int x = 0; x < m.getWidth(); x++) {
        if (m.get(x, y)) {
          d.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
        }
      }
    }
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
        + m.getWidth()
        + " "
        + m.getHeight()
        + "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
        + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\""
        + d
        + "\"/></svg>";
  }

  /** A small token bucket on the wall clock's nanoseconds, shared by all event loops. */
  private static final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last = System.nanoTime();

    TokenBucket(int perSecond, int burst) {
      this.perNano = perSecond / 1e9;
      this.burst = burst;
      this.tokens = burst;
    }

    synchronized boolean tryAcquire() {
      long now = System.nanoTime();
      tokens = Math.min(burst, tokens + (now - last) * perNano);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }

  @Override
  public void close() {
    renderer.shutdownNow();
  }
}

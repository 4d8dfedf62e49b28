package org.quarterdeck.server.bench.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.quarterdeck.server.store.EventLog;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.FsyncMode;
import org.quarterdeck.server.store.StoreOptions;

/**
 * Appends per second and acknowledgement latency of the event store (a benchmark, not a test).
 *
 * <p>Each appender is one session with its own log, in a closed loop like a player waiting for the
 * acknowledgement of a decision: append, wait for the acknowledgement (hopping to one of two "event
 * loop" threads, as the server does), append again. Latency is from the {@code append} call to the
 * moment the acknowledgement reaches the event loop.
 *
 * <p>Usage: {@code StoreBenchmark [--dir DIR] [--seconds N] [--warmup N] [--payload BYTES] [--modes
 * always,batch,batch2,off] [--appenders 1,16,256]}; {@code batch} uses the default (no window),
 * {@code batch2} a 2 ms window. See {@code scripts/bench-store.sh}.
 */
public final class StoreBenchmark {
  private StoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of("/work/store-bench");
    int seconds = 5;
    int warmup = 1;
    int payloadBytes = 200;
    List<String> modes = List.of("always", "batch", "batch2", "off");
    List<Integer> appenders = List.of(1, 16, 256);
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--payload" -> payloadBytes = Integer.parseInt(args[i + 1]);
        case "--modes" -> modes = List.of(args[i + 1].split(","));
        case "--appenders" ->
            appenders = Stream.of(args[i + 1].split(",")).map(Integer::valueOf).toList();
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "store benchmark: dir=%s payload=%d B, %d s warm-up + %d s"
            + " measured per row, one session log per appender%n",
        dir,
        payloadBytes,
        warmup,
        seconds);
    System.out.printf(
        Locale.ROOT,
        "%-8s %9s %12s %9s %9s %9s %9s%n",
        "mode",
        "appenders",
        "appends/s",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "max ms");
    for (String mode : modes) {
      for (int n : appenders) {
        run(dir, mode, n, payloadBytes, warmup, seconds);
      }
    }
  }

  private static StoreOptions options(String mode) {
    return switch (mode) {
      case "always" -> StoreOptions.DEFAULTS.withFsyncMode(FsyncMode.ALWAYS);
      case "batch" -> StoreOptions.DEFAULTS;
      case "batch2" -> StoreOptions.DEFAULTS.withBatchWindow(Duration.ofMillis(2));
      case "off" -> StoreOptions.DEFAULTS.withFsyncMode(FsyncMode.OFF);
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    };
  }

  private static void run(
      Path root, String mode, int appenders, int payloadBytes, int warmup, int seconds)
      throws Exception {
    Path data = root.resolve(mode + "-" + appenders);
    deleteRecursively(data);
    ExecutorService loops = Executors.newFixedThreadPool(2);
    Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    AtomicLong acknowledged = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch stopped = new CountDownLatch(appenders);
    byte[] payload = new byte[payloadBytes];
    new Random(1).nextBytes(payload);

    try (EventStore store = EventStore.open(data, options(mode))) {
      List<EventLog> logs = new ArrayList<>();
      for (int i = 0; i < appenders; i++) {
        logs.add(store.create("bench-" + i).get(10, TimeUnit.SECONDS));
      }
      for (EventLog log : logs) {
        loops.execute(
            () -> appendLoop(log, payload, loops, latency, acknowledged, failed, running, stopped));
      }
      Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
      latency.reset();
      long start = System.nanoTime();
      long startCount = acknowledged.get();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      long count = acknowledged.get() - startCount;
      double elapsed = (System.nanoTime() - start) / 1e9;
      Histogram snapshot = latency.copy();
      running.set(false);
      stopped.await(60, TimeUnit.SECONDS);
      System.out.printf(
          Locale.ROOT,
          "%-8s %9d %12.0f %9.3f %9.3f %9.3f %9.3f%s%n",
          mode,
          appenders,
          count / elapsed,
          ms(snapshot.getValueAtPercentile(50)),
          ms(snapshot.getValueAtPercentile(99)),
          ms(snapshot.getValueAtPercentile(99.9)),
          ms(snapshot.getMaxValue()),
          failed.get() > 0 ? "  (" + failed.get() + " failed)" : "");
    } finally {
      loops.shutdown();
      deleteRecursively(data);
    }
  }

  private static void appendLoop(
      EventLog log,
      byte[] payload,
      ExecutorService loop,
      Histogram latency,
      AtomicLong acknowledged,
      AtomicLong failed,
      AtomicBoolean running,
      CountDownLatch stopped) {
    if (!running.get()) {
      stopped.countDown();
      return;
    }
    long start = System.nanoTime();
    log.append(payload)
        .whenCompleteAsync(
            (sequence, error) -> {
              if (error != null) {
                failed.incrementAndGet();
              } else {
                latency.recordValue(System.nanoTime() - start);
                acknowledged.incrementAndGet();
              }
              appendLoop(log, payload, loop, latency, acknowledged, failed, running, stopped);
            },
            loop);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

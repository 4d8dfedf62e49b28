package org.quarterdeck.server.bench.recovery;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.quarterdeck.server.session.EventLoopSessionThread;
import org.quarterdeck.server.session.EventStoreJournals;
import org.quarterdeck.server.session.SessionManager;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.StoreOptions;

/**
 * Start-up recovery at scale: writes (once) a data directory with SESSIONS session logs and about
 * RECORDS records in all, then opens it and recovers every session as {@code serve} does, and
 * prints how long it took. Not a test: run it with {@code scripts/bench-recovery.sh}.
 *
 * <pre>
 * scripts/bench-recovery.sh [--dir DIR] [--sessions 10000] [--records 1000000] [--threads N] [--eager]
 *     [--write-only]
 * </pre>
 */
public final class RecoveryBenchmark {
  private RecoveryBenchmark() {}

  /** CPU time of the whole process so far: on a shared machine, the figure to compare. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of("/tmp/quarterdeck-recovery-bench");
    int sessions = 10_000;
    long records = 1_000_000;
    int threads = SessionManager.DEFAULT_RECOVERY_THREADS;
    boolean eager = false;
    boolean writeOnly = false;
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--eager")) {
        eager = true; // every session rebuilt before serving, as before lazy start
        i--;
        continue;
      }
      if (args[i].equals("--write-only")) {
        // a recovery changes the directory (passed deadlines resolve, records are appended): write
        // it once, copy it, and recover a fresh copy each run
        writeOnly = true;
        i--;
        continue;
      }
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[i + 1]);
        case "--sessions" -> sessions = Integer.parseInt(args[i + 1]);
        case "--records" -> records = Long.parseLong(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path marker = dir.resolve("bench-" + sessions + "-" + records);
    if (!Files.exists(marker)) {
      long started = System.nanoTime();
      Files.createDirectories(dir);
      long written =
          RecoveryDataDirectory.write(dir, sessions, (int) Math.max(2, records / sessions));
      Files.writeString(marker, written + "\n");
      System.out.printf(
          "wrote %d sessions, %d records into %s in %.1f s%n",
          sessions, written, dir, (System.nanoTime() - started) / 1e9);
    } else {
      System.out.printf(
          "reusing %s: %d sessions, %s records%n", dir, sessions, Files.readString(marker).strip());
    }
    if (writeOnly) {
      return;
    }
    System.gc();
    long started = System.nanoTime();
    EventLoopGroup loops = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors());
    try (EventStoreJournals journals =
        new EventStoreJournals(EventStore.open(dir, StoreOptions.DEFAULTS))) {
      SessionManager manager =
          new SessionManager(
              () -> new EventLoopSessionThread(loops.next()), journals, null, 1_000_000, 10);
      long opened = System.nanoTime();
      long cpuBefore = processCpuNanos();
      int recovered;
      if (eager) {
        recovered = manager.recoverAll(threads);
      } else {
        // as serve does: serving once every log is read and indexed, the rebuild behind
        java.util.concurrent.CompletableFuture<Integer> behind =
            manager.serveWhileRebuilding(threads);
        long serving = System.nanoTime();
        long servingCpu = processCpuNanos() - cpuBefore;
        System.out.printf(
            "serving after %.2f s (store opened in %.2f s, logs read and indexed in %.2f s,"
                + " CPU %.2f s); %d sessions to rebuild behind%n",
            (serving - started) / 1e9,
            (opened - started) / 1e9,
            (serving - opened) / 1e9,
            servingCpu / 1e9,
            manager.sessionsToRebuild());
        recovered = behind.get();
      }
      long done = System.nanoTime();
      long cpu = processCpuNanos() - cpuBefore;
      Runtime rt = Runtime.getRuntime();
      System.out.printf(
          (eager ? "eagerly " : "every session rebuilt: ")
              + "recovered %d sessions (%d quarantined) with %d threads: store opened in %.2f s,"
              + " recovery %.2f s, total %.2f s; recovery CPU %.2f s (the whole process, GC"
              + " included); heap used %d MiB%n",
          recovered,
          manager.quarantined().size(),
          threads,
          (opened - started) / 1e9,
          (done - opened) / 1e9,
          (done - started) / 1e9,
          cpu / 1e9,
          (rt.totalMemory() - rt.freeMemory()) >> 20);
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}

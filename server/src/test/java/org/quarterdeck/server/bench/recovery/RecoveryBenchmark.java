package org.quarterdeck.server.bench.recovery;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.quarterdeck.server.session.EventLoopSessionThread;
import org.quarterdeck.server.session.EventStoreJournals;
import org.quarterdeck.server.session.SessionLimits;
import org.quarterdeck.server.session.SessionManager;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.StoreOptions;

/**
 * Start-up recovery at scale: writes (once) a data directory with SESSIONS session logs and about
 * RECORDS records in all, copies it (a recovery appends to the logs) and recovers the copy as
 * {@code serve} does, and prints how long it took. Not a test: run it with {@code
 * scripts/bench-recovery.sh}.
 *
 * <pre>
 * scripts/bench-recovery.sh [--games live|ended] [--dir DIR] [--sessions 10000] [--records 1000000]
 *     [--threads N] [--eager] [--write-only] [--in-place] [--prepare-only]
 * </pre>
 *
 * <p>{@code --games live} (the default): games in play, every log rebuilt (the restart after a
 * crash in the middle of a workshop). {@code --games ended}: games that ended, past their archive
 * time, each kept as an archived summary and not rebuilt.
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
    // "start → serving" counts the JVM's own start up to here, then the store's opening up to
    // serving (not the writing or copying of the directory in between)
    long jvmStartMillis = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    long jvmStartCpu = processCpuNanos();
    RecoveryDataDirectory.Games games = RecoveryDataDirectory.Games.LIVE;
    Path dir = null;
    int sessions = 10_000;
    long records = 1_000_000;
    int threads = SessionManager.DEFAULT_RECOVERY_THREADS;
    boolean eager = false;
    boolean writeOnly = false;
    boolean inPlace = false;
    boolean prepareOnly = false;
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--eager")) {
        eager = true; // every session rebuilt before serving, as before lazy start
        i--;
        continue;
      }
      if (args[i].equals("--write-only")) {
        writeOnly = true;
        i--;
        continue;
      }
      if (args[i].equals("--prepare-only")) {
        // write if needed, make the fresh copy and print it: scripts/bench-recovery.sh --serve
        // then starts the real server on it
        prepareOnly = true;
        i--;
        continue;
      }
      if (args[i].equals("--in-place")) {
        // recover the written directory itself (a recovery appends: the next run differs)
        inPlace = true;
        i--;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--games" -> games = games(args[i + 1]);
        case "--dir" -> dir = Path.of(args[i + 1]);
        case "--sessions" -> sessions = Integer.parseInt(args[i + 1]);
        case "--records" -> records = Long.parseLong(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dir == null) {
      dir =
          Path.of(
              games == RecoveryDataDirectory.Games.LIVE
                  ? "/tmp/quarterdeck-recovery-bench-live"
                  : "/tmp/quarterdeck-recovery-bench-ended");
    }
    Path marker =
        dir.resolve(
            games.name().toLowerCase(java.util.Locale.ROOT) + "-" + sessions + "-" + records);
    boolean writtenHere = !Files.exists(marker);
    if (writtenHere) {
      long started = System.nanoTime();
      Files.createDirectories(dir);
      long written =
          RecoveryDataDirectory.write(dir, sessions, (int) Math.max(2, records / sessions), games);
      Files.writeString(marker, written + "\n");
      System.out.printf(
          "wrote %d sessions (%s games), %d records into %s in %.1f s%n",
          sessions,
          games.name().toLowerCase(java.util.Locale.ROOT),
          written,
          dir,
          (System.nanoTime() - started) / 1e9);
    } else {
      System.out.printf(
          "reusing %s: %d sessions (%s games), %s records%n",
          dir,
          sessions,
          games.name().toLowerCase(java.util.Locale.ROOT),
          Files.readString(marker).strip());
    }
    if (writeOnly) {
      return;
    }
    if (!inPlace) {
      Path copy = dir.resolveSibling(dir.getFileName() + "-run");
      long copying = System.nanoTime();
      ScratchCopy.replace(dir, copy);
      System.out.printf(
          "recovering a fresh copy %s (copied in %.1f s; the files are in the page cache)%n",
          copy, (System.nanoTime() - copying) / 1e9);
      dir = copy;
    }
    if (prepareOnly) {
      System.out.println("prepared " + dir);
      return;
    }
    System.gc();
    long started = System.nanoTime();
    long cpuBefore = processCpuNanos(); // the store's opening included
    EventLoopGroup loops = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors());
    try (EventStoreJournals journals =
        new EventStoreJournals(EventStore.open(dir, StoreOptions.DEFAULTS))) {
      // ended games are past their archive time whatever the directory's age (zero: at once), so
      // they load as archived summaries as they do on a server an hour after they ended
      SessionLimits limits =
          games == RecoveryDataDirectory.Games.LIVE
              ? SessionLimits.DEFAULTS
              : new SessionLimits(
                  SessionLimits.DEFAULTS.creationsPerAddressPerHour(),
                  SessionLimits.DEFAULTS.maxAnonymousSessions(),
                  SessionLimits.DEFAULTS.maxSpectatorsPerSession(),
                  Duration.ZERO,
                  SessionLimits.DEFAULTS.lobbyIdle());
      SessionManager manager =
          new SessionManager(
              () -> new EventLoopSessionThread(loops.next()),
              journals,
              null,
              1_000_000,
              10,
              Runnable::run,
              limits);
      long opened = System.nanoTime();
      long openedCpu = processCpuNanos() - cpuBefore;
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
            "serving after %.2f s (store opened in %.2f s, %.2f CPU s; logs read and indexed in %.2f s;"
                + " CPU %.2f s from the store's opening); with the JVM's start (%.2f s, %.2f CPU"
                + " s): %.2f s, %.2f CPU s%s; %d sessions to rebuild behind, %d archived, %d"
                + " quarantined%n",
            (serving - started) / 1e9,
            (opened - started) / 1e9,
            openedCpu / 1e9,
            (serving - opened) / 1e9,
            servingCpu / 1e9,
            jvmStartMillis / 1e3,
            jvmStartCpu / 1e9,
            jvmStartMillis / 1e3 + (serving - started) / 1e9,
            (jvmStartCpu + servingCpu) / 1e9,
            writtenHere ? " (the directory was written by this JVM: its code is warm)" : "",
            manager.sessionsToRebuild(),
            manager.archivedSessionCount(),
            manager.quarantined().size());
        recovered = behind.get();
      }
      long done = System.nanoTime();
      long cpu = processCpuNanos() - cpuBefore;
      Runtime rt = Runtime.getRuntime();
      System.out.printf(
          (eager ? "eagerly " : "every session rebuilt: ")
              + "recovered %d sessions (%d quarantined) with %d threads: store opened in %.2f s,"
              + " recovery %.2f s, total %.2f s; CPU %.2f s from the store's opening (the whole"
              + " process, GC included); heap used %d MiB%n",
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

  private static RecoveryDataDirectory.Games games(String name) {
    return switch (name) {
      case "live" -> RecoveryDataDirectory.Games.LIVE;
      case "ended" -> RecoveryDataDirectory.Games.ENDED;
      default -> throw new IllegalArgumentException("--games is live or ended, not " + name);
    };
  }
}

package org.quarterdeck.server.bench.store;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * What one {@code fdatasync} of a session log costs this machine's disk and kernel (a probe, not a
 * test): appends a record-sized write to a file and fsyncs it ({@code FileChannel.force(false)}, as
 * the store's batch fsync does), many times, and prints the wall time and this thread's CPU time
 * (kernel time included) per append. Twice each way, alternating: a file that grows with every
 * append (as a session log does), so every fsync also commits the file's new size, and a file whose
 * blocks were written ahead of time (zeros, fsynced), so the appends overwrite and the size stays.
 *
 * <p>Usage: {@code FsyncProbe [--dir DIR] [--appends N] [--record BYTES]} (default: a temporary
 * directory under {@code server/target}, 2,000 appends of 120 bytes). Run from the repository with
 * the test classpath of {@code scripts/bench-turn-close.sh}.
 */
public final class FsyncProbe {
  private FsyncProbe() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of("server/target");
    int appends = 2000;
    int record = 120;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[i + 1]);
        case "--appends" -> appends = Integer.parseInt(args[i + 1]);
        case "--record" -> record = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(dir);
    for (int round = 0; round < 2; round++) {
      for (boolean written : new boolean[] {false, true}) {
        Path file = Files.createTempFile(dir, "fsync-probe-", ".bin");
        try {
          probe(file, written, appends, record);
        } finally {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private static void probe(Path file, boolean writtenAhead, int appends, int record)
      throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      if (writtenAhead) {
        ByteBuffer zeros = ByteBuffer.allocate(appends * record + 4096);
        while (zeros.hasRemaining()) {
          channel.write(zeros, zeros.position());
        }
        channel.force(true);
      }
      ByteBuffer bytes = ByteBuffer.allocate(record);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpu = threads.getCurrentThreadCpuTime();
      long wall = System.nanoTime();
      long position = 0;
      for (int i = 0; i < appends; i++) {
        bytes.clear();
        bytes.put(0, (byte) i);
        while (bytes.hasRemaining()) {
          position += channel.write(bytes, position);
        }
        channel.force(false);
      }
      double wallUs = (System.nanoTime() - wall) / 1e3 / appends;
      double cpuUs = (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / appends;
      System.out.printf(
          Locale.ROOT,
          "%-22s %6.1f us wall, %5.1f us CPU per append and fsync (%d appends of %d bytes)%n",
          writtenAhead ? "blocks written ahead:" : "file grows:",
          wallUs,
          cpuUs,
          appends,
          record);
    }
  }
}

package org.quarterdeck.server.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How much of the data directory the session logs take, kept up to date as the writer creates,
 * appends, cuts back and archives logs, so that {@code /metrics} reads it without touching the
 * disk. Counted once by listing the directory when the store opens. Safe from any thread.
 */
public final class StoreUsage {
  private final AtomicLong logFiles = new AtomicLong();
  private final AtomicLong logBytes = new AtomicLong();
  private final AtomicLong archivedLogs = new AtomicLong();
  private volatile int openLogFiles;

  StoreUsage() {}

  /** Counts the files of a directory (store start-up, blocking). */
  static StoreUsage counting(Path directory, String suffix) throws IOException {
    StoreUsage usage = new StoreUsage();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*" + suffix)) {
      for (Path entry : entries) {
        usage.logFiles.incrementAndGet();
        usage.logBytes.addAndGet(Files.size(entry));
      }
    }
    return usage;
  }

  void created(long bytes) {
    logFiles.incrementAndGet();
    logBytes.addAndGet(bytes);
  }

  /** A log grew (or, negative, was cut back). */
  void grew(long bytes) {
    logBytes.addAndGet(bytes);
  }

  void archived() {
    archivedLogs.incrementAndGet();
  }

  void openLogFiles(int count) {
    openLogFiles = count;
  }

  /** Session log files in the data directory. */
  public long logFiles() {
    return logFiles.get();
  }

  /** Bytes of every session log in the data directory. */
  public long logBytes() {
    return logBytes.get();
  }

  /** Logs of ended sessions that were archived (closed and compacted) since start. */
  public long archivedLogs() {
    return archivedLogs.get();
  }

  /** Log files the writer holds open now (bounded by {@link StoreOptions#maxOpenLogs()}). */
  public int openLogFiles() {
    return openLogFiles;
  }
}

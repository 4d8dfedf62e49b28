package org.quarterdeck.server.store;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The writer's view of one open log file. After it is handed to the writer (through the queue or
 * the store's table of open logs) only the writer thread touches it.
 */
final class LogState {
  final String sessionId;
  final Path file;

  /** Null until created, and after a failed repair: the next append reopens the file. */
  FileChannel channel;

  /**
   * End of the records that are (or are being) acknowledged; the file is cut back to it on error.
   */
  long committedEnd;

  long committedCount;

  /** End of what was written, including records that wait for an fsync. */
  long writtenEnd;

  long nextSequence;

  /** Written but waiting for the batch fsync ({@link FsyncMode#BATCH}). */
  final List<Waiting> waiting = new ArrayList<>();

  /** Written since the last fsync. */
  boolean unsynced;

  boolean closed;

  LogState(String sessionId, Path file) {
    this.sessionId = sessionId;
    this.file = file;
  }

  void positionAt(long end, long records) {
    committedEnd = end;
    writtenEnd = end;
    committedCount = records;
    nextSequence = records;
  }

  /** A written record whose acknowledgement waits for the next fsync. */
  record Waiting(CompletableFuture<Long> ack, long sequence) {}

  @Override
  public String toString() {
    return "LogState[" + sessionId + "]";
  }
}

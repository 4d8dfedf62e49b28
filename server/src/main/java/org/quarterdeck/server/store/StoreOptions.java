package org.quarterdeck.server.store;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How an {@link EventStore} commits and how much it queues.
 *
 * @param fsyncMode when to fsync; see {@link FsyncMode}
 * @param batchWindow in {@link FsyncMode#BATCH}, the longest a written record waits for its fsync
 *     (zero: fsync as soon as the queue is empty, so batches form only while a previous fsync runs)
 * @param batchMaxRecords in {@link FsyncMode#BATCH}, fsync early once this many records are waiting
 * @param batchMaxBytes in {@link FsyncMode#BATCH}, fsync early once this many bytes are waiting
 * @param queueMaxRecords appends (and other operations) queued for the writer at most; past it
 *     {@link EventLog#append} fails at once with {@link StoreOverloadedException}
 * @param queueMaxBytes framed record bytes queued for the writer at most; same failure past it
 * @param maxOpenLogs log files the writer holds open at most, however many sessions there are; past
 *     it the least recently written file is closed (after its fsync) and reopened when it is next
 *     written
 */
public record StoreOptions(
    FsyncMode fsyncMode,
    Duration batchWindow,
    int batchMaxRecords,
    long batchMaxBytes,
    int queueMaxRecords,
    long queueMaxBytes,
    int maxOpenLogs) {

  /**
   * Batch mode with no window (an fsync starts as soon as the writer has nothing queued; records
   * arriving during it share the next one), up to 65,536 records or 64 MiB queued. Measured end to
   * end, a 2 ms window only added latency: see the README, Performance.
   */
  public static final StoreOptions DEFAULTS =
      new StoreOptions(
          FsyncMode.BATCH, Duration.ofMillis(0), 4096, 4L << 20, 65_536, 64L << 20, 256);

  public StoreOptions {
    requireNonNull(fsyncMode, "fsyncMode");
    requireNonNull(batchWindow, "batchWindow");
    if (batchWindow.isNegative() || batchWindow.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException("batchWindow must be within 0..1s: " + batchWindow);
    }
    if (batchMaxRecords < 1 || batchMaxBytes < 1) {
      throw new IllegalArgumentException("batch limits must be positive");
    }
    if (queueMaxRecords < 1) {
      throw new IllegalArgumentException("queueMaxRecords must be positive: " + queueMaxRecords);
    }
    if (queueMaxBytes < RecordCodec.MAX_FRAME_BYTES) {
      throw new IllegalArgumentException(
          "queueMaxBytes must hold at least one maximal record ("
              + RecordCodec.MAX_FRAME_BYTES
              + " bytes): "
              + queueMaxBytes);
    }
    if (maxOpenLogs < 1) {
      throw new IllegalArgumentException("maxOpenLogs must be positive: " + maxOpenLogs);
    }
  }

  /** These options with another fsync mode. */
  public StoreOptions withFsyncMode(FsyncMode mode) {
    return new StoreOptions(
        mode,
        batchWindow,
        batchMaxRecords,
        batchMaxBytes,
        queueMaxRecords,
        queueMaxBytes,
        maxOpenLogs);
  }

  /** These options with another batch window. */
  public StoreOptions withBatchWindow(Duration window) {
    return new StoreOptions(
        fsyncMode,
        window,
        batchMaxRecords,
        batchMaxBytes,
        queueMaxRecords,
        queueMaxBytes,
        maxOpenLogs);
  }

  /** These options with other queue bounds. */
  public StoreOptions withQueueBounds(int maxRecords, long maxBytes) {
    return new StoreOptions(
        fsyncMode, batchWindow, batchMaxRecords, batchMaxBytes, maxRecords, maxBytes, maxOpenLogs);
  }

  /** These options with another bound on open log files. */
  public StoreOptions withMaxOpenLogs(int maxOpenLogs) {
    return new StoreOptions(
        fsyncMode,
        batchWindow,
        batchMaxRecords,
        batchMaxBytes,
        queueMaxRecords,
        queueMaxBytes,
        maxOpenLogs);
  }
}

package org.quarterdeck.server.cluster;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What the record writer has done, for /metrics. Written by the writer, read by anyone. */
public final class WriterStats {
  private final LongAdder batches = new LongAdder();
  private final LongAdder records = new LongAdder();
  private final LongAdder commitMicros = new LongAdder();
  private final LongAdder failedBatches = new LongAdder();
  private final LongAdder fencedBatches = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final AtomicLong lastBatchSize = new AtomicLong();
  private final AtomicLong maxCommitMicros = new AtomicLong();

  void committed(int size, long micros) {
    batches.increment();
    records.add(size);
    commitMicros.add(micros);
    lastBatchSize.set(size);
    maxCommitMicros.accumulateAndGet(micros, Math::max);
  }

  void failed() {
    failedBatches.increment();
  }

  void fenced() {
    fencedBatches.increment();
  }

  void retried() {
    retries.increment();
  }

  public long batches() {
    return batches.sum();
  }

  public long records() {
    return records.sum();
  }

  public long commitMicros() {
    return commitMicros.sum();
  }

  public long maxCommitMicros() {
    return maxCommitMicros.get();
  }

  public long lastBatchSize() {
    return lastBatchSize.get();
  }

  public long failedBatches() {
    return failedBatches.sum();
  }

  public long fencedBatches() {
    return fencedBatches.sum();
  }

  public long retries() {
    return retries.sum();
  }
}

package org.quarterdeck.server.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.server.store.EventLog;

/**
 * A session journal on the embedded event log. Records appended before the log file exists are
 * kept, in order, until it does. Each record is appended at its number ({@link EventLog#appendAt}),
 * so a record queued before an earlier one failed is refused by the store rather than stored after
 * a gap; and once an append fails, later appends fail at once until the session has been rebuilt
 * from what is durable ({@link #reset(long)}). What is durable is therefore always a prefix.
 */
final class EventLogJournal implements SessionJournal {
  private final List<Object[]> waiting = new ArrayList<>();
  private EventLog log;
  private Throwable createFailure;
  private volatile boolean broken;
  private long next;

  EventLogJournal(CompletableFuture<EventLog> created) {
    created.whenComplete(this::ready);
  }

  /** A journal that appends after the {@code records} records a recovered log holds. */
  EventLogJournal(EventLog log, long records) {
    this.log = log;
    this.next = records;
  }

  private synchronized void ready(EventLog created, Throwable error) {
    log = created;
    createFailure = error;
    for (Object[] w : waiting) {
      forward((byte[]) w[0], (Long) w[2], castFuture(w[1]));
    }
    waiting.clear();
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Void> castFuture(Object o) {
    return (CompletableFuture<Void>) o;
  }

  @Override
  public CompletableFuture<Void> append(SessionRecord record) {
    return append(record, record.toByteArray());
  }

  @Override
  public synchronized CompletableFuture<Void> append(SessionRecord record, byte[] bytes) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (broken) {
      done.completeExceptionally(
          new IllegalStateException("an earlier record of this session could not be saved"));
      return done;
    }
    long sequence = next++;
    if (log == null && createFailure == null) {
      waiting.add(new Object[] {bytes, done, sequence});
    } else {
      forward(bytes, sequence, done);
    }
    return done;
  }

  private void forward(byte[] bytes, long sequence, CompletableFuture<Void> done) {
    if (createFailure != null) {
      broken = true;
      done.completeExceptionally(createFailure);
      return;
    }
    log.appendAt(bytes, sequence)
        .whenComplete(
            (seq, error) -> {
              if (error != null) {
                broken = true;
                done.completeExceptionally(error);
              } else {
                done.complete(null);
              }
            });
  }

  @Override
  public synchronized void reset(long durableRecords) {
    next = durableRecords;
    broken = false;
  }

  @Override
  public synchronized CompletableFuture<Void> close() {
    if (log == null) {
      return CompletableFuture.completedFuture(null);
    }
    return log.close();
  }
}

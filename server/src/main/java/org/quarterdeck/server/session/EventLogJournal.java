package org.quarterdeck.server.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.server.store.EventLog;

/**
 * A session journal on the embedded event log. Records appended before the log file exists are
 * kept, in order, until it does. Once an append fails, later appends fail too until the session
 * has been rebuilt from what is durable ({@link #reset()}), so the log never has a gap.
 */
final class EventLogJournal implements SessionJournal {
  private final List<Object[]> waiting = new ArrayList<>();
  private EventLog log;
  private Throwable createFailure;
  private volatile boolean broken;

  EventLogJournal(CompletableFuture<EventLog> created) {
    created.whenComplete(this::ready);
  }

  EventLogJournal(EventLog log) {
    this.log = log;
  }

  private synchronized void ready(EventLog created, Throwable error) {
    log = created;
    createFailure = error;
    for (Object[] w : waiting) {
      forward((byte[]) w[0], castFuture(w[1]));
    }
    waiting.clear();
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Void> castFuture(Object o) {
    return (CompletableFuture<Void>) o;
  }

  @Override
  public synchronized CompletableFuture<Void> append(SessionRecord record) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (broken) {
      done.completeExceptionally(new IllegalStateException(
          "an earlier record of this session could not be saved"));
      return done;
    }
    byte[] bytes = record.toByteArray();
    if (log == null && createFailure == null) {
      waiting.add(new Object[] {bytes, done});
    } else {
      forward(bytes, done);
    }
    return done;
  }

  private void forward(byte[] bytes, CompletableFuture<Void> done) {
    if (createFailure != null) {
      broken = true;
      done.completeExceptionally(createFailure);
      return;
    }
    log.append(bytes).whenComplete((seq, error) -> {
      if (error != null) {
        broken = true;
        done.completeExceptionally(error);
      } else {
        done.complete(null);
      }
    });
  }

  @Override
  public void reset() {
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

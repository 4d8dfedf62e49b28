package org.quarterdeck.client.load;

import java.io.PrintStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Many sessions whose first turn ends by its deadline at the same moment: the sessions start
 * without a deadline, every seat but one per session submits at once (the silent seat makes the
 * deadline decide), then every facilitator sets the turn to end at one clock time
 * ({@code deadline_at_epoch_ms}), {@code --deadline-seconds} after the last start. Measures, per
 * seat, the time from the deadline the server announced to the TurnResolved received, and the
 * time from the latest deadline to the last TurnResolved.
 */
final class DeadlineRun {
  /** What the run measured; times are wall-clock epoch milliseconds on this machine. */
  record Result(int seats, long resolved, long earliestDeadline, long latestDeadline,
      long lastResolved, Histogram lateness) {
    long lastAfterLatestDeadlineMs() {
      return lastResolved - latestDeadline;
    }
  }

  private DeadlineRun() {}

  static Result run(Fleet fleet, LoadOptions options, PrintStream out) throws Exception {
    int seats = fleet.players.size();
    Histogram lateness = new Histogram(3);
    ConcurrentHashMap<Integer, Long> deadlines = new ConcurrentHashMap<>();
    AtomicLong earliest = new AtomicLong(Long.MAX_VALUE);
    AtomicLong latest = new AtomicLong();
    AtomicLong last = new AtomicLong();
    CountDownLatch allResolved = new CountDownLatch(seats);
    LoadConnection.Observer observer = new LoadConnection.Observer() {
      @Override
      public void deadlineChanged(LoadConnection c, int turn, long deadlineEpochMs) {
        if (turn == 1 && deadlineEpochMs > 0) {
          deadlines.put(c.index, deadlineEpochMs);
          earliest.accumulateAndGet(deadlineEpochMs, Math::min);
          latest.accumulateAndGet(deadlineEpochMs, Math::max);
        }
      }

      @Override
      public void turnResolved(LoadConnection c, int turn, long receivedEpochMs) {
        Long deadline = deadlines.get(c.index);
        if (turn == 1 && deadline != null) {
          synchronized (lateness) {
            lateness.recordValue(Math.max(0, receivedEpochMs - deadline) * 1_000_000L);
          }
          last.accumulateAndGet(receivedEpochMs, Math::max);
          allResolved.countDown();
        }
      }
    };
    for (LoadConnection p : fleet.players) {
      p.observe(observer);
      p.autoSubmit = p.role == Role.PLAYER;
    }
    long startMs = System.currentTimeMillis();
    fleet.startAll();
    long endAt = System.currentTimeMillis() + Math.max(2, options.deadlineSeconds()) * 1000L;
    out.printf("  started %d sessions in %d ms; every turn 1 ends at %s%n",
        fleet.facilitators.size(), System.currentTimeMillis() - startMs,
        java.time.Instant.ofEpochMilli(endAt));
    fleet.endTurnsAt(endAt);
    allResolved.await(endAt - System.currentTimeMillis() + options.timeout().toMillis(),
        TimeUnit.MILLISECONDS);
    synchronized (lateness) {
      return new Result(seats, seats - allResolved.getCount(), earliest.get(), latest.get(),
          last.get(), lateness.copy());
    }
  }
}

package org.quarterdeck.client.load;

import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Many sessions whose turn ends by its deadline at the same moment: the sessions start without a
 * deadline, every seat but one per session submits at once (the silent seat makes the deadline
 * decide), then every facilitator sets the turn to end at one clock time ({@code
 * deadline_at_epoch_ms}), {@code --deadline-seconds} from then. Measures, per seat, the time from
 * the deadline the server announced to the TurnResolved received, and the time from the latest
 * deadline to the last TurnResolved. Done for turn after turn ({@code --deadline-turns}): the first
 * resolutions since the server started run code the JIT has not compiled yet.
 */
final class DeadlineRun {
  /** What the run measured for one turn; times are wall-clock epoch milliseconds here. */
  record Result(
      int turn,
      int seats,
      long resolved,
      long earliestDeadline,
      long latestDeadline,
      long lastResolved,
      Histogram lateness) {
    long lastAfterLatestDeadlineMs() {
      return lastResolved - latestDeadline;
    }
  }

  private DeadlineRun() {}

  /** Starts the sessions; the players submit each turn as soon as it opens. */
  static void start(Fleet fleet, PrintStream out, Texts t) throws Exception {
    for (LoadConnection p : fleet.players) {
      p.autoSubmit = p.role == Role.PLAYER;
    }
    long startMs = System.currentTimeMillis();
    fleet.startAll();
    out.print(
        t.say("deadline.started", fleet.facilitators.size(), System.currentTimeMillis() - startMs));
  }

  /** Ends {@code turn} of every session at one clock time; waits for every seat's result. */
  static Result endTurn(Fleet fleet, LoadOptions options, PrintStream out, Texts t, int turn)
      throws Exception {
    int seats = fleet.players.size();
    Histogram lateness = new Histogram(3);
    ConcurrentHashMap<Integer, Long> deadlines = new ConcurrentHashMap<>();
    AtomicLong earliest = new AtomicLong(Long.MAX_VALUE);
    AtomicLong latest = new AtomicLong();
    AtomicLong last = new AtomicLong();
    CountDownLatch allResolved = new CountDownLatch(seats);
    LoadConnection.Observer observer =
        new LoadConnection.Observer() {
          @Override
          public void deadlineChanged(LoadConnection c, int changedTurn, long deadlineEpochMs) {
            if (changedTurn == turn && deadlineEpochMs > 0) {
              deadlines.put(c.index, deadlineEpochMs);
              earliest.accumulateAndGet(deadlineEpochMs, Math::min);
              latest.accumulateAndGet(deadlineEpochMs, Math::max);
            }
          }

          @Override
          public void turnResolved(LoadConnection c, int resolvedTurn, long receivedEpochMs) {
            Long deadline = deadlines.get(c.index);
            if (resolvedTurn == turn && deadline != null) {
              synchronized (lateness) {
                lateness.recordValue(Math.max(0, receivedEpochMs - deadline) * 1_000_000L);
              }
              last.accumulateAndGet(receivedEpochMs, Math::max);
              allResolved.countDown();
            }
          }
        };
    fleet.players.forEach(p -> p.observe(observer));
    long endAt = System.currentTimeMillis() + Math.max(2, options.deadlineSeconds()) * 1000L;
    out.print(t.say("deadline.turnEnds", turn, Instant.ofEpochMilli(endAt)));
    fleet.endTurnsAt(endAt);
    allResolved.await(
        endAt - System.currentTimeMillis() + options.timeout().toMillis(), TimeUnit.MILLISECONDS);
    synchronized (lateness) {
      return new Result(
          turn,
          seats,
          seats - allResolved.getCount(),
          earliest.get(),
          latest.get(),
          last.get(),
          lateness.copy());
    }
  }
}

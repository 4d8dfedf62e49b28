package org.quarterdeck.client.load;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop schedule: decision i is due at {@code start + i / rate}, whatever happened to the
 * earlier ones, and carries its due time so that latency is measured from it (a late send or a
 * slow server shows up as latency instead of silently lowering the rate: no coordinated
 * omission). Decisions go round-robin over the targets.
 */
final class Pacer {
  private Pacer() {}

  /** Schedules {@code rate * duration} decisions; returns when the last one is handed over. */
  static long run(List<LoadConnection> targets, int rate, Duration duration) {
    long total = rate * duration.toMillis() / 1000;
    long start = System.nanoTime();
    int n = targets.size();
    for (long i = 0; i < total; i++) {
      long due = start + i * 1_000_000_000L / rate;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      targets.get((int) (i % n)).submitAt(due);
    }
    return total;
  }
}

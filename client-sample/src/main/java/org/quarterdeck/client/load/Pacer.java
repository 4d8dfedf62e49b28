package org.quarterdeck.client.load;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop schedule: decision i is due at {@code start + i / rate}, whatever happened to the
 * earlier ones, and carries its due time so that latency is measured from it (a late send or a slow
 * server shows up as latency instead of silently lowering the rate: no coordinated omission).
 * Decisions go round-robin over the targets.
 *
 * <p>The pacer wakes at most once per {@link #TICK} and hands every decision due by then to its
 * connection's event loop in one task per loop, instead of one wake-up per decision: on a machine
 * the generator shares with the server, those wake-ups cost the server CPU. A decision can thus
 * leave up to one tick after it was due, which counts against the server in its latency.
 */
final class Pacer {
  static final Duration TICK = Duration.ofMillis(1);

  private Pacer() {}

  /** Schedules {@code rate * duration} decisions; returns when the last one is handed over. */
  static long run(List<LoadConnection> targets, int rate, Duration duration) {
    long total = rate * duration.toMillis() / 1000;
    long start = System.nanoTime();
    int n = targets.size();
    long tick = TICK.toNanos();
    Map<EventLoop, List<Due>> byLoop = new IdentityHashMap<>();
    long i = 0;
    while (i < total) {
      long now = System.nanoTime();
      for (; i < total && dueAt(start, i, rate) <= now; i++) {
        LoadConnection c = targets.get((int) (i % n));
        c.counted();
        byLoop
            .computeIfAbsent(c.channel().eventLoop(), k -> new ArrayList<>())
            .add(new Due(c, dueAt(start, i, rate)));
      }
      for (Map.Entry<EventLoop, List<Due>> e : byLoop.entrySet()) {
        List<Due> batch = e.getValue();
        e.getKey().execute(() -> batch.forEach(d -> d.connection().submitNow(d.nanos())));
      }
      byLoop.clear();
      if (i < total) {
        long wait = Math.max(dueAt(start, i, rate) - System.nanoTime(), tick);
        LockSupport.parkNanos(Math.min(wait, TimeUnit.SECONDS.toNanos(1)));
      }
    }
    return total;
  }

  private static long dueAt(long start, long i, int rate) {
    return start + i * 1_000_000_000L / rate;
  }

  private record Due(LoadConnection connection, long nanos) {}
}

package org.quarterdeck.client.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the connections observe, shared by all event loops: a latency recorder (nanoseconds from the
 * scheduled send time), counts of sent and answered decisions, and errors by kind.
 */
final class Stats {
  private volatile Recorder latency = new Recorder(3);
  final LongAdder sent = new LongAdder();
  final LongAdder accepted = new LongAdder();
  final LongAdder pongs = new LongAdder();
  final LongAdder pingsSent = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private volatile long lastReplyNanos;

  void recordAccepted(long scheduledNanos, long nowNanos) {
    latency.recordValue(Math.max(0, nowNanos - scheduledNanos));
    accepted.increment();
    lastReplyNanos = nowNanos;
  }

  void error(String kind) {
    error(kind, 1);
  }

  void error(String kind, long count) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).add(count);
  }

  long errorCount() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  Map<String, Long> errors() {
    Map<String, Long> copy = new TreeMap<>();
    errors.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  long lastReplyNanos() {
    return lastReplyNanos;
  }

  /** The latencies recorded since the last call; starts a new interval. */
  Histogram takeInterval() {
    return latency.getIntervalHistogram();
  }

  /** Forgets counts and errors (between the steps of a run). */
  void reset() {
    latency = new Recorder(3);
    sent.reset();
    accepted.reset();
    errors.clear();
    lastReplyNanos = 0;
  }
}

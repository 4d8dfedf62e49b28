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
  private final Map<ErrorKind, LongAdder> errors = new ConcurrentHashMap<>();
  private volatile long lastReplyNanos;

  void recordAccepted(long scheduledNanos, long nowNanos) {
    latency.recordValue(Math.max(0, nowNanos - scheduledNanos));
    accepted.increment();
    lastReplyNanos = nowNanos;
  }

  /**
   * A kind of error: {@code key} in the bundle ({@code error.*}) with a detail the protocol names
   * (a code, a message kind) or "".
   */
  record ErrorKind(String key, String detail) implements Comparable<ErrorKind> {
    @Override
    public int compareTo(ErrorKind o) {
      int byKey = key.compareTo(o.key);
      return byKey != 0 ? byKey : detail.compareTo(o.detail);
    }
  }

  void error(String key, Object detail) {
    error(key, detail, 1);
  }

  void error(String key, Object detail, long count) {
    errors
        .computeIfAbsent(new ErrorKind(key, String.valueOf(detail)), k -> new LongAdder())
        .add(count);
  }

  /** Errors by kind as a person reads them: {@code {kind=count, ...}}, the kinds in {@code t}. */
  static String describe(Map<ErrorKind, Long> errors, Texts t) {
    StringBuilder b = new StringBuilder("{");
    errors.forEach(
        (kind, count) ->
            b.append(b.length() > 1 ? ", " : "")
                .append(t.say(kind.key(), kind.detail()))
                .append('=')
                .append(count));
    return b.append('}').toString();
  }

  long errorCount() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  Map<ErrorKind, Long> errors() {
    Map<ErrorKind, Long> copy = new TreeMap<>();
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

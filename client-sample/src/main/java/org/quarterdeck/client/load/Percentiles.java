package org.quarterdeck.client.load;

import org.HdrHistogram.Histogram;

/** Formats a nanosecond histogram as the percentiles the report shows, in milliseconds. */
final class Percentiles {
  private Percentiles() {}

  /** The percentiles in {@code t}'s notation (p50, ms and n are the same in every language). */
  static String of(Histogram h, Texts t) {
    if (h.getTotalCount() == 0) {
      return t.say("percentiles.none");
    }
    return t.format(
        "p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms  (n=%d)",
        ms(h.getValueAtPercentile(50)),
        ms(h.getValueAtPercentile(90)),
        ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)),
        ms(h.getMaxValue()),
        h.getTotalCount());
  }

  static double p99Ms(Histogram h) {
    return h.getValueAtPercentile(99) / 1e6;
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}

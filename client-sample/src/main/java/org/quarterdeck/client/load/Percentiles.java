package org.quarterdeck.client.load;

import org.HdrHistogram.Histogram;

/** Formats a nanosecond histogram as the percentiles the report shows, in milliseconds. */
final class Percentiles {
  private Percentiles() {}

  static String of(Histogram h) {
    if (h.getTotalCount() == 0) {
      return "no samples";
    }
    return String.format(
        "p50 %s  p90 %s  p99 %s  p99.9 %s  max %s ms  (n=%d)",
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

  private static String ms(long nanos) {
    return String.format("%.2f", nanos / 1e6);
  }
}

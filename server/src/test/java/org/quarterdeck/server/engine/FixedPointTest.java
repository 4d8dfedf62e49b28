package org.quarterdeck.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link FixedPoint} prints what {@code String.format(Locale.US, "%.Nf")} prints, always. */
class FixedPointTest {
  @Property(tries = 5000)
  void anyDoubleAsTheFormatterPrintsIt(@ForAll double x, @ForAll @IntRange(max = 3) int decimals) {
    assertSame(x, decimals);
  }

  @Property(tries = 5000)
  void debriefSizedNumbersAsTheFormatterPrintsThem(
      @ForAll @DoubleRange(min = -200, max = 200) double x,
      @ForAll @IntRange(max = 1) int decimals) {
    assertSame(x, decimals);
  }

  /** Halves, decimal halves a double cannot hold, signs of zero, carries, extremes. */
  @Test
  void theEdges() {
    double[] edges = {
      0.0,
      -0.0,
      0.5,
      1.5,
      2.5,
      -0.5,
      -2.5,
      -0.3,
      -0.04,
      0.15,
      0.25,
      0.35,
      1.05,
      2.675,
      9.95,
      99.5,
      99.95,
      999.5,
      0.49999999999999994,
      28.499999999999996,
      1e-300,
      Double.MIN_VALUE,
      1e15 + 0.5,
      1e16,
      1e22,
      1.7976931348623157e308,
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY
    };
    for (double x : edges) {
      for (int decimals = 0; decimals <= 3; decimals++) {
        assertSame(x, decimals);
        assertSame(-x, decimals);
        assertSame(100 * x, decimals);
      }
    }
  }

  /** Every percentage the debrief can print from a ratio of small whole numbers. */
  @Test
  void ratiosOfWholeNumbers() {
    for (int a = 0; a <= 300; a++) {
      for (int b = 1; b <= 120; b++) {
        assertSame(100.0 * a / b, 0);
        assertSame((double) a / b, 1);
      }
    }
  }

  private static void assertSame(double x, int decimals) {
    assertEquals(
        String.format(Locale.US, "%." + decimals + "f", x),
        FixedPoint.of(x, decimals),
        () -> "x = " + x + " (" + Double.doubleToRawLongBits(x) + "), " + decimals + " decimals");
  }
}

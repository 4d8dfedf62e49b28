package org.quarterdeck.server.engine;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * A number with a fixed count of decimals, exactly as {@code String.format(Locale.US, "%.Nf", x)}
 * prints it, without a {@link java.util.Formatter}: the formatter parses its pattern and builds a
 * formatter object on every call, which made the debrief most of a session's last turn close.
 *
 * <p>Both round half up on the shortest decimal digits that identify the double (those of {@link
 * Double#toString}), so 0.15 prints as 0.2 with one decimal although the double is slightly less
 * than 0.15; and both keep the sign of a negative number that rounds to zero ("-0").
 */
final class FixedPoint {
  private FixedPoint() {}

  static String of(double x, int decimals) {
    if (!Double.isFinite(x)) {
      return String.format(Locale.US, "%." + decimals + "f", x); // NaN, Infinity: as it says
    }
    String digits =
        new BigDecimal(Double.toString(StrictMath.abs(x)))
            .setScale(decimals, RoundingMode.HALF_UP)
            .toPlainString();
    return Double.doubleToRawLongBits(x) < 0 ? "-" + digits : digits;
  }
}

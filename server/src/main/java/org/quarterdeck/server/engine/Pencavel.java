package org.quarterdeck.server.engine;

/**
 * Output per hour as weekly hours grow (Pencavel 2014, IZA DP 8129): proportional up to a knee (~49
 * h/week), then concave, peaking near 63 h/week and falling after it. Modelled as a parabola with
 * slope 1 at the knee and slope 0 at the peak; with knee 49 and peak 63 it gives output(70) =
 * output(56), as Pencavel reports.
 */
public final class Pencavel {
  private Pencavel() {}

  /** Effective hours per week for {@code hours} worked per week. */
  public static double effectiveHours(double hours, double knee, double peak) {
    if (hours <= knee) {
      return hours;
    }
    double over = hours - knee;
    double effective = knee + over - over * over / (2.0 * (peak - knee));
    return StrictMath.max(0.0, effective);
  }

  /** Effective hours per hour worked (1 up to the knee, less after it). */
  public static double factor(double hoursPerWeek, double knee, double peak) {
    if (hoursPerWeek <= knee) {
      return 1.0;
    }
    return effectiveHours(hoursPerWeek, knee, peak) / hoursPerWeek;
  }
}

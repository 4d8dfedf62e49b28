package org.quarterdeck.server.engine;

/**
 * A closed quarter of one team.
 *
 * @param quarter 1-based quarter
 * @param results results delivered in the quarter
 * @param target the quarter's target
 */
public record QuarterResult(String teamId, int quarter, double results, double target) {
  /** True if the target was reached. */
  public boolean hit() {
    return results >= target;
  }
}

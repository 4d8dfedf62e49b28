package org.quarterdeck.server.engine;

import java.util.Arrays;

/**
 * One team's state between turns: its variables, the delayed effects still in the pipeline, the
 * hires on their way, and the quarters closed so far. Immutable: the engine builds a new one each
 * turn and never hands out its arrays.
 */
public final class TeamState {
  final String id;
  final int index;

  /** The variables, indexed by {@link Var#ordinal()}. */
  final double[] values;

  /** Delayed effects: ring of (rules.ring) rows of (rules.slots) amounts, row = due turn % ring. */
  final double[] pending;

  /** Hires arriving: ring of (rules.hireRing) counts, index = due turn % hireRing. */
  final double[] hires;

  /** Results and targets of closed quarters; NaN for quarters not closed yet. */
  final double[] quarterResults;

  final double[] quarterTargets;

  TeamState(
      String id,
      int index,
      double[] values,
      double[] pending,
      double[] hires,
      double[] quarterResults,
      double[] quarterTargets) {
    this.id = id;
    this.index = index;
    this.values = values;
    this.pending = pending;
    this.hires = hires;
    this.quarterResults = quarterResults;
    this.quarterTargets = quarterTargets;
  }

  static TeamState initial(Rules rules, String id, int index) {
    double[] qr = new double[rules.quarters];
    double[] qt = new double[rules.quarters];
    Arrays.fill(qr, Double.NaN);
    Arrays.fill(qt, Double.NaN);
    return new TeamState(
        id,
        index,
        rules.start.clone(),
        new double[rules.ring * rules.slots],
        new double[rules.hireRing],
        qr,
        qt);
  }

  /** The team's id. */
  public String id() {
    return id;
  }

  /** The team's position in the session (its random stream). */
  public int index() {
    return index;
  }

  /** Current value of a variable. */
  public double get(Var var) {
    return values[var.ordinal()];
  }

  /** Results of a closed 0-based quarter, or NaN if it has not closed. */
  public double quarterResult(int quarter) {
    return quarterResults[quarter];
  }

  /** Target of a closed 0-based quarter, or NaN if it has not closed. */
  public double quarterTarget(int quarter) {
    return quarterTargets[quarter];
  }

  /** Number of quarters closed so far. */
  public int quartersClosed() {
    int n = 0;
    while (n < quarterResults.length && !Double.isNaN(quarterResults[n])) {
      n++;
    }
    return n;
  }

  /** Hires that will arrive in later turns. */
  public double hiresOnTheWay() {
    double sum = 0;
    for (double h : hires) {
      sum += h;
    }
    return sum;
  }
}

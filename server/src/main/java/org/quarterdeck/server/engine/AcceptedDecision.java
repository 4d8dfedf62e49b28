package org.quarterdeck.server.engine;

import java.util.Arrays;

/**
 * A decision the engine has checked, compiled to hours per act index and an option per dilemma
 * index (-1 = not chosen). Only {@link Game} creates them.
 */
public final class AcceptedDecision {
  final Seat seat;
  final int seatIndex;
  final int turn;
  final double[] hours;
  final int[] choices;
  final boolean defaulted;

  AcceptedDecision(
      Seat seat, int seatIndex, int turn, double[] hours, int[] choices, boolean defaulted) {
    this.seat = seat;
    this.seatIndex = seatIndex;
    this.turn = turn;
    this.hours = hours;
    this.choices = choices;
    this.defaulted = defaulted;
  }

  public Seat seat() {
    return seat;
  }

  public int turn() {
    return turn;
  }

  /** Hours booked on the act with this index. */
  public double hours(int actIndex) {
    return hours[actIndex];
  }

  /** Total hours booked. */
  public double totalHours() {
    double sum = 0;
    for (double h : hours) {
      sum += h;
    }
    return sum;
  }

  /** True if this is the scenario's default decision standing in for a missing one. */
  public boolean defaulted() {
    return defaulted;
  }

  @Override
  public String toString() {
    return "AcceptedDecision["
        + seat
        + ", turn "
        + turn
        + ", hours "
        + Arrays.toString(hours)
        + ", choices "
        + Arrays.toString(choices)
        + (defaulted ? ", defaulted" : "")
        + "]";
  }
}

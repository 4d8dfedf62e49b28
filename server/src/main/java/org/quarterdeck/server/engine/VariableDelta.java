package org.quarterdeck.server.engine;

import java.util.List;
import java.util.Locale;

/** How one variable changed in a turn and why, largest contributions first. */
public record VariableDelta(
    Var var, double before, double after, int turn, List<Attribution> contributions) {

  public VariableDelta {
    contributions = List.copyOf(contributions);
  }

  /** The net change. */
  public double delta() {
    return after - before;
  }

  /** E.g. "morale −6.0: workload stress −4.0, no recognition −2.0". */
  public String describe() {
    StringBuilder sb = new StringBuilder(var.label()).append(' ').append(signed(delta(), var));
    String sep = ": ";
    for (Attribution c : contributions) {
      sb.append(sep).append(c.label());
      if (c.originTurn() < turn) {
        sb.append(" (turn ").append(c.originTurn()).append(')');
      }
      sb.append(' ').append(signed(c.amount(), var));
      sep = ", ";
    }
    return sb.toString();
  }

  private static String signed(double x, Var var) {
    String s = String.format(Locale.ROOT, var == Var.ADOPTION ? "%.3f" : "%.1f", StrictMath.abs(x));
    return (x < 0 ? "\u2212" : "+") + s;
  }
}

package org.quarterdeck.server.engine;

/** An injected event the engine has checked; only {@link Game} creates them. */
public final class AcceptedInjection {
  final int turn;
  final int eventIndex;
  final String title;
  final String narrative;
  final int[] vars;
  final double[] amounts;
  final boolean[] teams;

  AcceptedInjection(
      int turn,
      int eventIndex,
      String title,
      String narrative,
      int[] vars,
      double[] amounts,
      boolean[] teams) {
    this.turn = turn;
    this.eventIndex = eventIndex;
    this.title = title;
    this.narrative = narrative;
    this.vars = vars;
    this.amounts = amounts;
    this.teams = teams;
  }

  /** The turn it was accepted for. */
  public int turn() {
    return turn;
  }

  /** The title shown to players. */
  public String title() {
    return title;
  }
}

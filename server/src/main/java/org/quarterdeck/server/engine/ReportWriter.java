package org.quarterdeck.server.engine;

/**
 * Receives one team's explained report of a turn piece by piece, so a caller (the wire mapping)
 * builds its own form of the report straight from the engine's primitive ledger, with no
 * intermediate {@link TeamReport}, {@link VariableDelta} or {@link Attribution} objects. The calls
 * come in the order a {@link TeamReport} lists the same facts: {@link #begin}, then per variable
 * that moved or was contributed to (in {@link Var} order) {@link #change} followed by its
 * contributions (largest magnitude first), then the events.
 */
public interface ReportWriter {
  /** The report starts: the resolved turn and whether any of the team's seats was defaulted. */
  void begin(int turn, boolean defaulted);

  /** A variable that moved, or that something contributed to. */
  void change(Var var, double before, double after);

  /** One cause of the last {@link #change}, merged by label and origin turn. */
  void contribution(String label, int originTurn, double amount);

  /** An event that hit the team; {@code eventId} is null for a facilitator's custom event. */
  void event(String eventId, String title, String narrative, boolean injected);
}

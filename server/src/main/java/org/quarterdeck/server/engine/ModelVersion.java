package org.quarterdeck.server.engine;

/**
 * The version of the simulation model: the formulas of {@link TurnResolver} and {@link Scoring}. A
 * session log records the version it was played with; a log of another version would replay to
 * other numbers, so replay, recovery and {@code verify} refuse it by name instead of failing on a
 * hash mismatch.
 */
public final class ModelVersion {
  /**
   * 2: the model rebalanced against an exploit search (saturating management acts, distinct payoffs
   * per leadership role, sustained-overtime costs, a settled end of game, stalling change efforts,
   * two hats that may book any act, each with its own energy).
   */
  public static final int CURRENT = 2;

  private ModelVersion() {}

  /** The model version a log records: {@code 0} (the field did not exist yet) means version 1. */
  public static int recorded(int field) {
    return field == 0 ? 1 : field;
  }

  /** Null if a log of {@code recorded} replays here, else why not (naming both versions). */
  public static String refusal(int recordedField) {
    int v = recorded(recordedField);
    if (v == CURRENT) {
      return null;
    }
    return "the log was played with model version "
        + v
        + "; this server runs model version "
        + CURRENT
        + " and cannot replay it to the same numbers";
  }
}

package org.quarterdeck.server.engine;

/** Which acts a seat may book: both kinds, or one kind in two-hats mode. */
public enum SeatHat {
  /** The only seat of a team in market and company modes: books any act. */
  BOTH,
  /** Two-hats mode: books leadership acts only and answers dilemmas. */
  LEADER,
  /** Two-hats mode: books management acts only. */
  MANAGER;

  boolean mayBook(ActCategory kind) {
    return this == BOTH
        || (this == LEADER && kind == ActCategory.LEADERSHIP)
        || (this == MANAGER && kind == ActCategory.MANAGEMENT);
  }
}

package org.quarterdeck.server.engine;

/** Which acts a seat may book: both kinds, or one kind in two-hats mode. */
public enum Hat {
  /** The only seat of a team in market and company modes: books any act. */
  BOTH,
  /** Two-hats mode: books leadership acts only and answers dilemmas. */
  LEADER,
  /** Two-hats mode: books management acts only. */
  MANAGER;

  boolean mayBook(ActKind kind) {
    return this == BOTH
        || (this == LEADER && kind == ActKind.LEADERSHIP)
        || (this == MANAGER && kind == ActKind.MANAGEMENT);
  }
}

package org.quarterdeck.server.engine;

/**
 * The seat a player takes in a team. Every hat may book every act (model v2): in two-hats mode the
 * roles are agreed between the two players, not enforced, so "two managers" is a real choice.
 */
public enum SeatHat {
  /** The only seat of a team in market and company modes: books any act. */
  BOTH,
  /** Two-hats mode: the seat that answers dilemmas; its energy is the leader's energy. */
  LEADER,
  /** Two-hats mode: the second seat, with its own energy and share of interruptions. */
  MANAGER;

  boolean mayBook(ActCategory kind) {
    return kind != null;
  }

  /** The variable holding this seat's player's energy. */
  Var energy() {
    return this == MANAGER ? Var.MANAGER_ENERGY : Var.LEADER_ENERGY;
  }
}

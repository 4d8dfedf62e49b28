package org.quarterdeck.server.engine;

/** Why the engine refused a decision or an injected event. */
public enum RejectionCode {
  /** The game has ended; no more turns. */
  GAME_OVER,
  /** The decision is for another turn than the open one. */
  WRONG_TURN,
  /** No such team in the session. */
  UNKNOWN_TEAM,
  /** The hat does not exist in this mode (e.g. LEADER in market mode). */
  WRONG_HAT,
  /** No act with that id. */
  UNKNOWN_ACT,
  /** Hours are negative. */
  NEGATIVE_HOURS,
  /** Hours are NaN or infinite. */
  NON_FINITE_HOURS,
  /** The hours booked exceed free hours plus allowed overtime. */
  OVER_BUDGET,
  /** The seat's hat may not book this kind of act (two-hats mode). */
  ACT_NOT_ALLOWED_FOR_HAT,
  /** No dilemma with that id is open this turn. */
  UNKNOWN_DILEMMA,
  /** The dilemma has no option with that id. */
  UNKNOWN_OPTION,
  /** The seat's hat does not answer dilemmas (manager hat in two-hats mode). */
  DILEMMA_NOT_FOR_HAT,
  /** No event with that id in the scenario. */
  UNKNOWN_EVENT,
  /** A custom event touches a variable the scenario does not let facilitators touch. */
  VARIABLE_NOT_INJECTABLE,
  /** A custom event's effect is larger than the scenario allows, or not finite. */
  EFFECT_OUT_OF_BOUNDS,
  /** A custom event has an empty title or narrative, or no effects. */
  INCOMPLETE_EVENT
}

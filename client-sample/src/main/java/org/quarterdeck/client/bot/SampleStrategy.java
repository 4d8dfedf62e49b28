package org.quarterdeck.client.bot;

import java.util.Map;
import java.util.Random;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.TurnOpened;

/**
 * A sample bot: a decision from what a seat sees over the wire (the turn's opening and its team's
 * variables by name). Samples are not the engine's strategies, which live in the server and play
 * its bot seats and {@code simulate}; they only need to be plausible and stay within the budget.
 */
public interface SampleStrategy {
  /** The name it was parsed from ("balanced", "static:0.4", ...). */
  String name();

  /**
   * Decides the seat's turn.
   *
   * @param turn the opening, its acts already limited to those the seat may book
   * @param team the team's variables by wire name ("morale", "adoption", ...); may be empty
   * @param random the bot's own seeded generator
   */
  Decision decide(TurnOpened turn, Map<String, Double> team, Random random);
}

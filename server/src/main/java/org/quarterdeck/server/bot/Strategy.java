package org.quarterdeck.server.bot;

import org.quarterdeck.server.engine.SeatDecision;
import org.quarterdeck.server.engine.SeededRandom;
import org.quarterdeck.server.engine.TeamState;
import org.quarterdeck.server.engine.TurnOpening;

/**
 * A bot that plays one seat. It decides only from what a player of that seat sees: the turn opening
 * and its own team's state. Same inputs and same generator state give the same decision.
 */
public interface Strategy {
  /** The name it was parsed from, e.g. {@code static:0.3}. */
  String name();

  /** The seat's decision for the open turn; never books more than the opening's free hours. */
  SeatDecision decide(TurnOpening opening, TeamState team, SeededRandom random);
}

package org.quarterdeck.server.bot;

import org.quarterdeck.protocol.v1.OptionStance;
import org.quarterdeck.server.engine.SeatDecision;
import org.quarterdeck.server.engine.SeededRandom;
import org.quarterdeck.server.engine.TeamState;
import org.quarterdeck.server.engine.TurnOpening;

/**
 * A fixed split: {@code share} of free hours spread evenly over the leadership acts, the rest
 * evenly over the management acts. {@code numbers} (0), {@code leader} (1) and {@code balanced}
 * (0.5) are named static splits; {@code numbers} takes the expedient side of dilemmas, the others
 * the principled one.
 */
final class StaticStrategy implements Strategy {
  private final String name;
  private final double share;
  private final OptionStance stance;

  StaticStrategy(String name, double share, OptionStance stance) {
    this.name = name;
    this.share = share;
    this.stance = stance;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public SeatDecision decide(TurnOpening opening, TeamState team, SeededRandom random) {
    return Plan.book(opening, share, a -> 1.0, stance, -1);
  }
}

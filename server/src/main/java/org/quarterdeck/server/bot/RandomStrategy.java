package org.quarterdeck.server.bot;

import org.quarterdeck.protocol.v1.OptionStance;
import org.quarterdeck.server.engine.Act;
import org.quarterdeck.server.engine.SeatDecision;
import org.quarterdeck.server.engine.SeededRandom;
import org.quarterdeck.server.engine.TeamState;
import org.quarterdeck.server.engine.TurnOpening;

/** A random split and random weights each turn, and a random dilemma option. */
final class RandomStrategy implements Strategy {
  @Override
  public String name() {
    return "random";
  }

  @Override
  public SeatDecision decide(TurnOpening opening, TeamState team, SeededRandom random) {
    double share = random.nextDouble();
    double[] weights = new double[64];
    for (Act a : opening.acts()) {
      weights[a.index() % weights.length] = random.nextDouble();
    }
    return Plan.book(
        opening,
        share,
        a -> weights[a.index() % weights.length],
        OptionStance.OPTION_STANCE_UNSPECIFIED,
        random.nextInt(1 << 20));
  }
}

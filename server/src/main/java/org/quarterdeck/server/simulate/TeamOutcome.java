package org.quarterdeck.server.simulate;

import java.util.List;
import org.quarterdeck.server.engine.QuarterResult;
import org.quarterdeck.server.engine.TeamScore;

/**
 * How one strategy's team ended one seeded game.
 *
 * @param strategy the strategy name (also the team id)
 */
public record TeamOutcome(
    long seed, String strategy, TeamScore score, double endMorale, double endAdoption) {

  /** Results of a 0-based quarter. */
  public double results(int quarter) {
    return score.quarters().get(quarter).results();
  }

  /** True if the 0-based quarter's target was hit. */
  public boolean hit(int quarter) {
    return score.quarters().get(quarter).hit();
  }

  /** The closed quarters. */
  public List<QuarterResult> quarters() {
    return score.quarters();
  }
}

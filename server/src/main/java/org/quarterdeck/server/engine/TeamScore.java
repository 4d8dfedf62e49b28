package org.quarterdeck.server.engine;

import java.util.List;

/**
 * A team's end-of-game score and its components (each 0..1, results up to 1.5), weighted by the
 * scenario's scoring weights into a 0..100+ score. The components are read on the settled state:
 * delayed effects still in the pipeline after the last turn have landed.
 *
 * @param carriedForward what the team carries into next year besides its skills and culture: the
 *     mean of its leaders' energy and of its calm (1 - stress/100)
 */
public record TeamScore(
    String teamId,
    double score,
    double results,
    double morale,
    double capability,
    double adoption,
    double integrity,
    double carriedForward,
    List<QuarterResult> quarters) {
  public TeamScore {
    quarters = List.copyOf(quarters);
  }
}

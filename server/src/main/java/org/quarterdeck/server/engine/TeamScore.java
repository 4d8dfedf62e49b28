package org.quarterdeck.server.engine;

import java.util.List;

/**
 * A team's end-of-game score and its components (each 0..1, results up to 1.5), weighted by the
 * scenario's scoring weights into a 0..100+ score.
 */
public record TeamScore(String teamId, double score, double results, double morale,
    double capability, double adoption, double integrity, List<QuarterResult> quarters) {
  public TeamScore {
    quarters = List.copyOf(quarters);
  }
}

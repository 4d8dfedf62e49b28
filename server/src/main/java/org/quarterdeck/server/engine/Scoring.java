package org.quarterdeck.server.engine;

import java.util.ArrayList;
import java.util.List;
import org.quarterdeck.protocol.v1.ScoringWeights;

/** End-of-game scores from the scenario's weights. */
final class Scoring {
  private Scoring() {}

  static List<TeamScore> scores(Game g) {
    Rules r = g.rules;
    int n = g.teams.length;
    double[] ratio = new double[n];
    double mean = 0;
    for (int i = 0; i < n; i++) {
      ratio[i] = resultsRatio(g.teams[i]);
      mean += ratio[i];
    }
    mean /= n;
    double shared = r.mode == MultiplayerMode.COMPANY ? r.scenario.getCompany().getSharedResultWeight() : 0;
    ScoringWeights w = r.scenario.getScoring();
    double total = w.getResults() + w.getMorale() + w.getCapability() + w.getAdoption()
        + w.getIntegrity();
    List<TeamScore> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      TeamState s = g.teams[i];
      double res = StrictMath.min(1.5, (1 - shared) * ratio[i] + shared * mean);
      double morale = s.get(Var.MORALE) / 100.0;
      double cap = s.get(Var.CAPABILITY) / 100.0;
      double adoption = s.get(Var.ADOPTION);
      double integrity = s.get(Var.INTEGRITY) / 100.0;
      double score = 100.0 * (w.getResults() * res + w.getMorale() * morale
          + w.getCapability() * cap + w.getAdoption() * adoption + w.getIntegrity() * integrity)
          / total;
      List<QuarterResult> qs = new ArrayList<>();
      for (int q = 0; q < s.quartersClosed(); q++) {
        qs.add(new QuarterResult(s.id, q + 1, s.quarterResults[q], s.quarterTargets[q]));
      }
      out.add(new TeamScore(s.id, score, res, morale, cap, adoption, integrity, qs));
    }
    return out;
  }

  static double resultsRatio(TeamState s) {
    double res = 0;
    double target = 0;
    for (int q = 0; q < s.quartersClosed(); q++) {
      res += s.quarterResults[q];
      target += s.quarterTargets[q];
    }
    return target > 0 ? res / target : 0;
  }
}

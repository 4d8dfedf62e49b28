package org.quarterdeck.server.engine;

import java.util.ArrayList;
import java.util.List;
import org.quarterdeck.protocol.v1.ScoringWeights;

/**
 * End-of-game scores from the scenario's weights, read on the settled state: what a team set in
 * motion still counts after the last turn (so dumping everything into the numbers in the last month
 * does not escape the bill), and what it carries forward (energy, calm) is valued.
 */
final class Scoring {
  private Scoring() {}

  static List<TeamScore> scores(Game g) {
    Rules r = g.rules;
    int n = g.teams.length;
    double[][] settled = new double[n][];
    double[] ratio = new double[n];
    double mean = 0;
    for (int i = 0; i < n; i++) {
      settled[i] = settle(r, g.teams[i]);
      ratio[i] = resultsRatio(g.teams[i], settled[i]);
      mean += ratio[i];
    }
    mean /= n;
    double shared =
        r.mode == MultiplayerMode.COMPANY ? r.scenario.getCompany().getSharedResultWeight() : 0;
    ScoringWeights w = r.scenario.getScoring();
    double total =
        w.getResults()
            + w.getMorale()
            + w.getCapability()
            + w.getAdoption()
            + w.getIntegrity()
            + w.getCarriedForward();
    List<TeamScore> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      TeamState s = g.teams[i];
      double[] x = settled[i];
      double res = StrictMath.min(1.5, (1 - shared) * ratio[i] + shared * mean);
      double morale = x[Var.MORALE.ordinal()] / 100.0;
      double cap = x[Var.CAPABILITY.ordinal()] / 100.0;
      double adoption = x[Var.ADOPTION.ordinal()];
      double integrity = x[Var.INTEGRITY.ordinal()] / 100.0;
      double energy =
          r.mode == MultiplayerMode.TWO_HATS
              ? (x[Var.LEADER_ENERGY.ordinal()] + x[Var.MANAGER_ENERGY.ordinal()]) / 200.0
              : x[Var.LEADER_ENERGY.ordinal()] / 100.0;
      double carried = 0.5 * energy + 0.5 * (1.0 - x[Var.STRESS.ordinal()] / 100.0);
      double score =
          100.0
              * (w.getResults() * res
                  + w.getMorale() * morale
                  + w.getCapability() * cap
                  + w.getAdoption() * adoption
                  + w.getIntegrity() * integrity
                  + w.getCarriedForward() * carried)
              / total;
      List<QuarterResult> qs = new ArrayList<>();
      for (int q = 0; q < s.quartersClosed(); q++) {
        qs.add(new QuarterResult(s.id, q + 1, s.quarterResults[q], s.quarterTargets[q]));
      }
      out.add(new TeamScore(s.id, score, res, morale, cap, adoption, integrity, carried, qs));
    }
    return out;
  }

  /**
   * The team's variables with every delayed effect still pending landed, clamped to each variable's
   * range. Effects on results (that would land in a quarter that is never played) stay in the
   * RESULTS entry, which {@link #resultsRatio} adds to the year's results.
   */
  static double[] settle(Rules r, TeamState s) {
    double[] x = s.values.clone();
    x[Var.RESULTS.ordinal()] = 0.0;
    for (int row = 0; row < r.ring; row++) {
      for (int k = 0; k < r.slots; k++) {
        double amount = s.pending[row * r.slots + k];
        if (amount != 0.0) {
          x[r.slotDefs[k].var()] += amount;
        }
      }
    }
    for (Var var : Var.ALL) {
      int k = var.ordinal();
      if (var != Var.RESULTS) {
        x[k] = StrictMath.max(var.min(), StrictMath.min(var.max(), x[k]));
      }
    }
    return x;
  }

  static double resultsRatio(TeamState s, double[] settled) {
    double res = 0;
    double target = 0;
    for (int q = 0; q < s.quartersClosed(); q++) {
      res += s.quarterResults[q];
      target += s.quarterTargets[q];
    }
    if (settled != null && s.quartersClosed() == s.quarterResults.length) {
      res = StrictMath.max(0.0, res + settled[Var.RESULTS.ordinal()]);
    }
    return target > 0 ? res / target : 0;
  }

  static double resultsRatio(TeamState s) {
    return resultsRatio(s, null);
  }
}

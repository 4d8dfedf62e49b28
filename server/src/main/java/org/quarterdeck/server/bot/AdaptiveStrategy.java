package org.quarterdeck.server.bot;

import org.quarterdeck.protocol.v1.OptionStance;
import org.quarterdeck.server.engine.Act;
import org.quarterdeck.server.engine.SeatDecision;
import org.quarterdeck.server.engine.SeatHat;
import org.quarterdeck.server.engine.SeededRandom;
import org.quarterdeck.server.engine.TeamState;
import org.quarterdeck.server.engine.TurnOpening;
import org.quarterdeck.server.engine.Var;

/**
 * Reads its team's state every turn, as an attentive player would. The split follows the quarter's
 * gap (behind the pro-rata target it manages more, on track it leads more) and within each kind it
 * weights each act by how badly the variable the act aims at needs attention (low morale,
 * capability, adoption, clarity, trust; high stress and complacency; an anxious boss).
 */
final class AdaptiveStrategy implements Strategy {
  @Override
  public String name() {
    return "adaptive";
  }

  @Override
  public SeatDecision decide(TurnOpening opening, TeamState team, SeededRandom random) {
    double target = team.get(Var.TARGET);
    double results = team.get(Var.RESULTS);
    int turnsPerQuarter = opening.turnsPerQuarter();
    int turnInQuarter = opening.turnInQuarter();
    // results still needed this quarter, per remaining turn, vs what the team made per turn so far
    double needed = target - results;
    int remaining = turnsPerQuarter - turnInQuarter + 1;
    double pace = turnInQuarter > 1 ? results / (turnInQuarter - 1) : target / turnsPerQuarter;
    double gap = (needed / remaining - pace) / Math.max(1e-9, target / turnsPerQuarter);
    // leading compounds, so an attentive player leads more than half the time while the
    // quarter is on pace, and manages more when it falls behind
    // with two hats the natural split is one leading, one managing (share 0.5, see Plan)
    // and a complacent team (a market about to move under it) needs more leading still
    double base =
        (opening.seat().hat() == SeatHat.BOTH ? 0.58 : 0.5)
            + 0.25 * team.get(Var.COMPLACENCY) / 100.0;
    double share = base - 0.5 * gap;
    if (turnInQuarter == turnsPerQuarter && gap > 0) {
      share -= 0.1; // last month of a quarter that is short: push to close the gap
    }
    // two hats keep their split (one leads, one manages) and only lend each other a few hours
    share =
        opening.seat().hat() == SeatHat.BOTH
            ? Math.max(0.4, Math.min(0.8, share))
            : Math.max(0.45, Math.min(0.65, share));
    // a rested player gives a few extra hours (below Pencavel's knee they count in full); a
    // tired one does not
    Var energy = opening.seat().hat() == SeatHat.MANAGER ? Var.MANAGER_ENERGY : Var.LEADER_ENERGY;
    double overtime = team.get(energy) >= 90 ? 0.1 * opening.maxOvertimeHours() : 0;
    return Plan.book(
        opening, share, a -> need(a, team), OptionStance.OPTION_STANCE_PRINCIPLED, -1, overtime);
  }

  private static double need(Act act, TeamState t) {
    switch (act.aimsAt()) {
      case MORALE:
        return 0.8 + Math.max(0, 70 - t.get(Var.MORALE)) / 25.0;
      case CAPABILITY:
        return 1.2
            + Math.max(0, 80 - t.get(Var.CAPABILITY)) / 30.0
            + Math.max(0, 60 - t.get(Var.MORALE)) / 40.0;
      case ADOPTION:
      case CHANGE_DRIVE:
        return 0.6 + 1.2 * (1 - t.get(Var.ADOPTION));
      case COMPLACENCY:
        return 0.3 + t.get(Var.COMPLACENCY) / 30.0;
      case CLARITY:
        return 0.6 + Math.max(0, 75 - t.get(Var.CLARITY)) / 50.0;
      case STRESS:
        return 0.6 + Math.max(0, t.get(Var.STRESS) - 25) / 25.0;
      case TRUST:
      case INTEGRITY:
        return 0.8 + Math.max(0, 75 - t.get(Var.TRUST)) / 50.0;
      case RESULTS:
        return 2.0;
      case BOSS_CONFIDENCE:
        return 0.4 + Math.max(0, 65 - t.get(Var.BOSS_CONFIDENCE)) / 30.0;
      case EFFICIENCY:
        return 0.7 + Math.max(0, 80 - t.get(Var.EFFICIENCY)) / 40.0;
      case READINESS:
        return 0.2 + Math.max(0, 40 - t.get(Var.READINESS)) / 60.0;
      default:
        return 1.0;
    }
  }
}

package org.quarterdeck.server.bot;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.quarterdeck.server.engine.Act;
import org.quarterdeck.server.engine.ActCategory;
import org.quarterdeck.server.engine.Dilemma;
import org.quarterdeck.server.engine.Rules;
import org.quarterdeck.server.engine.SeatDecision;
import org.quarterdeck.server.engine.SeatHat;
import org.quarterdeck.server.engine.SeededRandom;
import org.quarterdeck.server.engine.TeamState;
import org.quarterdeck.server.engine.TurnOpening;

/**
 * A fixed plan for a whole game, the strategy the exploit search tunes: per turn the leadership
 * share and the share of the allowed overtime booked; a weight per act (management hours are spread
 * over the management acts by weight, leadership hours over the leadership acts); the option taken
 * in each dilemma. It ignores the team's state, as a player with a recipe would. {@code slack} and
 * {@code extra} serve the marginal-value measurement: {@code slack} hours of the free hours stay
 * unbooked, then {@code extra[act]} hours are booked on top.
 *
 * <p>In two-hats mode the share is the team's, split as {@link Plan} does (the LEADER hat leads
 * first), and every seat books the same share of its allowed overtime.
 */
public record Recipe(
    double[] share,
    double[] overtime,
    double[] weights,
    int[] options,
    double slack,
    double[] extra)
    implements Strategy {

  public Recipe {
    share = share.clone();
    overtime = overtime.clone();
    weights = weights.clone();
    options = options.clone();
    extra = extra.clone();
  }

  /** Half the hours leading, every act weighted alike, no overtime, principled dilemma options. */
  public static Recipe balanced(Rules rules) {
    requireNonNull(rules, "rules");
    double[] share = new double[rules.totalTurns()];
    Arrays.fill(share, 0.5);
    double[] weights = new double[rules.acts().size()];
    Arrays.fill(weights, 1.0);
    int[] options = new int[rules.dilemmas().size()];
    for (Dilemma d : rules.dilemmas()) {
      options[d.index()] = d.defaultOption();
    }
    return new Recipe(
        share,
        new double[rules.totalTurns()],
        weights,
        options,
        0,
        new double[rules.acts().size()]);
  }

  @Override
  public String name() {
    return "recipe";
  }

  @Override
  public SeatDecision decide(TurnOpening opening, TeamState team, SeededRandom random) {
    int t = StrictMath.min(share.length, opening.turn()) - 1;
    double s = clamp01(share[t]);
    double free = StrictMath.max(0, opening.freeHours() - slack);
    double hours = free + clamp01(overtime[t]) * opening.maxOvertimeHours();
    SeatHat hat = opening.seat().hat();
    double lead =
        hat == SeatHat.LEADER
            ? hours * StrictMath.min(1, 2 * s)
            : hat == SeatHat.MANAGER ? hours * StrictMath.max(0, 2 * s - 1) : hours * s;
    double manage = hours - lead;
    double leadWeight = 0;
    double manageWeight = 0;
    for (Act a : opening.acts()) {
      if (a.kind() == ActCategory.LEADERSHIP) {
        leadWeight += StrictMath.max(0, weights[a.index()]);
      } else {
        manageWeight += StrictMath.max(0, weights[a.index()]);
      }
    }
    SeatDecision.Builder b = SeatDecision.builder(opening.seat(), opening.turn());
    double budget = opening.freeHours() + opening.maxOvertimeHours();
    double booked = 0;
    for (Act a : opening.acts()) {
      double w = StrictMath.max(0, weights[a.index()]);
      double h =
          a.kind() == ActCategory.LEADERSHIP
              ? (leadWeight > 0 ? lead * w / leadWeight : 0)
              : (manageWeight > 0 ? manage * w / manageWeight : 0);
      if (hat != SeatHat.MANAGER) {
        h += extra[a.index()];
      }
      h = StrictMath.min(h, budget - booked);
      if (h > 0) {
        b.hours(a.id(), h);
        booked += h;
      }
    }
    for (Dilemma d : opening.dilemmas()) {
      b.choose(d.id(), d.options().get(options[d.index()] % d.options().size()).id());
    }
    return b.build();
  }

  /** This recipe with another share in turn {@code turn} (1-based). */
  public Recipe withShare(int turn, double value) {
    double[] s = share.clone();
    s[turn - 1] = value;
    return new Recipe(s, overtime, weights, options, slack, extra);
  }

  /** This recipe with another overtime share in turn {@code turn} (1-based). */
  public Recipe withOvertime(int turn, double value) {
    double[] o = overtime.clone();
    o[turn - 1] = value;
    return new Recipe(share, o, weights, options, slack, extra);
  }

  /** This recipe with the same overtime share in every turn. */
  public Recipe withOvertimeEverywhere(double value) {
    double[] o = overtime.clone();
    Arrays.fill(o, value);
    return new Recipe(share, o, weights, options, slack, extra);
  }

  /** This recipe with another weight on act {@code act}. */
  public Recipe withWeight(int act, double value) {
    double[] w = weights.clone();
    w[act] = value;
    return new Recipe(share, overtime, w, options, slack, extra);
  }

  /** This recipe with another option in dilemma {@code dilemma}. */
  public Recipe withOption(int dilemma, int option) {
    int[] o = options.clone();
    o[dilemma] = option;
    return new Recipe(share, overtime, weights, o, slack, extra);
  }

  /** This recipe leaving {@code slack} free hours unbooked and booking {@code hours} on one act. */
  public Recipe withExtra(double slack, int act, double hours) {
    double[] e = new double[extra.length];
    if (act >= 0) {
      e[act] = hours;
    }
    return new Recipe(share, overtime, weights, options, slack, e);
  }

  private static double clamp01(double x) {
    return x < 0 ? 0 : (x > 1 ? 1 : x);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Recipe r
        && Arrays.equals(share, r.share)
        && Arrays.equals(overtime, r.overtime)
        && Arrays.equals(weights, r.weights)
        && Arrays.equals(options, r.options)
        && slack == r.slack
        && Arrays.equals(extra, r.extra);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(share) * 31 + Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return "Recipe" + Arrays.toString(share);
  }
}

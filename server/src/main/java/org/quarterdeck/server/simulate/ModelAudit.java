package org.quarterdeck.server.simulate;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.quarterdeck.protocol.v1.Scenario;
import org.quarterdeck.server.bot.Recipe;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.bot.Strategy;
import org.quarterdeck.server.engine.Act;
import org.quarterdeck.server.engine.ActCategory;
import org.quarterdeck.server.engine.Dilemma;
import org.quarterdeck.server.engine.Rules;

/**
 * The checks a model must pass against a player who optimises, measured on held-out seeds: the
 * exploit search's best against {@code adaptive}; what dropping each leadership role from the best
 * costs; each act's marginal value at the balanced point; a season of maximum overtime; dumping
 * everything into the numbers in the last turn; and how far morale alone moves the year's results.
 */
public final class ModelAudit {
  /** Hours per turn left free, then booked on one act, to measure its marginal value. */
  public static final double MARGINAL_HOURS = 16;

  /**
   * The figures.
   *
   * @param search the exploit search's result
   * @param roleCost per leadership act (rules order; NaN for management acts): best minus best
   *     without that act, in score points
   * @param marginal per act: score points per extra hour per turn at the balanced point
   * @param overtimeCost best without overtime minus best with maximum overtime every turn
   * @param dumpCost best (last turn as the rest, no overtime) minus the same with all-numbers in
   *     the last turn; {@code dumpOvertimeCost} the same with maximum overtime too
   * @param moraleEffect year results of a team starting at morale 75 over one starting at 25, minus
   *     1 (the same strategy and seeds)
   */
  public record Figures(
      ExploitSearch.Result search,
      double[] roleCost,
      double[] marginal,
      double overtimeCost,
      double dumpCost,
      double dumpOvertimeCost,
      double moraleEffect) {}

  private ModelAudit() {}

  /** Runs the search and every check. */
  public static Figures run(Rules rules, ExploitSearch.Settings settings) {
    requireNonNull(rules, "rules");
    ExploitSearch search = new ExploitSearch(rules, settings);
    ExploitSearch.Result result = search.run();
    Recipe best = result.best();
    double bestHeld = result.held().recipe();
    List<Act> acts = rules.acts();
    double[] roleCost = new double[acts.size()];
    for (Act a : acts) {
      roleCost[a.index()] =
          a.kind() == ActCategory.LEADERSHIP
              ? bestHeld - search.held(ExploitSearch.without(best, a.index())).recipe()
              : Double.NaN;
    }
    Recipe balanced = Recipe.balanced(rules);
    double base = search.held(balanced.withExtra(MARGINAL_HOURS, -1, 0)).recipe();
    double[] marginal = new double[acts.size()];
    for (Act a : acts) {
      marginal[a.index()] =
          (search.held(balanced.withExtra(MARGINAL_HOURS, a.index(), MARGINAL_HOURS)).recipe()
                  - base)
              / MARGINAL_HOURS;
    }
    double overtimeCost =
        search.held(best.withOvertimeEverywhere(0)).recipe()
            - search.held(best.withOvertimeEverywhere(1)).recipe();
    int last = rules.totalTurns();
    double meanShare = 0;
    for (int t = 0; t < last - 1; t++) {
      meanShare += best.share()[t] / (last - 1);
    }
    Recipe calm = best.withShare(last, meanShare).withOvertime(last, 0);
    double calmScore = search.held(calm).recipe();
    double dumpCost = calmScore - search.held(calm.withShare(last, 0)).recipe();
    double dumpOvertimeCost =
        calmScore - search.held(calm.withShare(last, 0).withOvertime(last, 1)).recipe();
    return new Figures(
        result,
        roleCost,
        marginal,
        overtimeCost,
        dumpCost,
        dumpOvertimeCost,
        moraleEffect(rules, settings.testSeeds()));
  }

  /**
   * Total effect of morale on the year's results: the same {@code balanced} team, alone in its
   * session, starting at morale 75 and at 25 (Gallup's top and bottom engagement quartiles).
   */
  public static double moraleEffect(Rules rules, int seeds) {
    Strategy balanced = Strategies.parse("balanced");
    double high = 0;
    double low = 0;
    for (long seed = 1; seed <= seeds; seed++) {
      high += yearResults(startingMorale(rules, 75), balanced, seed);
      low += yearResults(startingMorale(rules, 25), balanced, seed);
    }
    return high / low - 1.0;
  }

  private static Rules startingMorale(Rules rules, double morale) {
    Scenario s =
        rules.scenario().toBuilder()
            .setStart(rules.scenario().getStart().toBuilder().setMorale(morale))
            .build();
    return new Rules(s);
  }

  private static double yearResults(Rules rules, Strategy s, long seed) {
    double sum = 0;
    for (var q : Tournament.play(rules, List.of(s), seed).get(0).quarters()) {
      sum += q.results();
    }
    return sum;
  }

  /** A plain-text report of the figures, in English (tests and development aids). */
  public static String report(Rules rules, Figures f) {
    return report(rules, f, Texts.in(Locale.ROOT));
  }

  /**
   * A plain-text report of the figures in the language of {@code t}: its sentences come from the
   * bundle, its numbers in the language's notation; act, dilemma and bot ids stay as the scenario
   * names them.
   */
  static String report(Rules rules, Figures f, Texts t) {
    StringBuilder sb = new StringBuilder();
    ExploitSearch.Result r = f.search();
    ExploitSearch.Standing h = r.held();
    sb.append(t.say("audit.search", rules.id(), r.evaluations(), r.trainScore()));
    sb.append(t.say("audit.held", h.seeds(), h.recipe()));
    for (String bot : ExploitSearch.OPPONENTS) {
      sb.append(t.format(", %s %.2f", bot, h.of(bot)));
    }
    sb.append(
        t.say("audit.versusAdaptive", h.recipe() - h.of("adaptive"), 100 * h.beatsAdaptive()));
    recipe(sb, rules, r.best(), t);
    sb.append(t.say("audit.roleCost"));
    List<String> marg = new ArrayList<>();
    for (Act a : rules.acts()) {
      if (a.kind() == ActCategory.LEADERSHIP) {
        sb.append(t.format(" %s %.2f", a.id(), f.roleCost()[a.index()]));
      }
      marg.add(t.format("%s %.3f", a.id(), f.marginal()[a.index()]));
    }
    sb.append(t.say("audit.marginal", String.join(", ", marg)));
    sb.append(t.say("audit.spread", spread(f.marginal())));
    sb.append(t.say("audit.overtime", f.overtimeCost(), f.dumpCost(), f.dumpOvertimeCost()));
    sb.append(t.say("audit.morale", 100 * f.moraleEffect()));
    return sb.toString();
  }

  /** The best recipe, one line per parameter group. */
  private static void recipe(StringBuilder sb, Rules rules, Recipe best, Texts t) {
    sb.append(t.say("recipe.share"));
    for (double s : best.share()) {
      sb.append(t.format(" %.2f", clamp01(s)));
    }
    sb.append(t.say("recipe.overtime"));
    for (double o : best.overtime()) {
      sb.append(t.format(" %.2f", clamp01(o)));
    }
    double[] weights = best.weights();
    double[] sums = new double[2];
    for (Act a : rules.acts()) {
      sums[a.kind() == ActCategory.LEADERSHIP ? 1 : 0] += StrictMath.max(0, weights[a.index()]);
    }
    for (ActCategory kind : List.of(ActCategory.MANAGEMENT, ActCategory.LEADERSHIP)) {
      double sum = sums[kind == ActCategory.LEADERSHIP ? 1 : 0];
      sb.append(t.say(kind == ActCategory.LEADERSHIP ? "recipe.leadership" : "recipe.management"));
      for (Act a : rules.acts()) {
        if (a.kind() == kind) {
          double weight = StrictMath.max(0, weights[a.index()]);
          sb.append(t.format(" %s %.0f%%", a.id(), sum > 0 ? 100 * weight / sum : 0));
        }
      }
    }
    sb.append(t.say("recipe.dilemmas"));
    for (Dilemma d : rules.dilemmas()) {
      sb.append(' ')
          .append(d.id())
          .append('=')
          .append(d.options().get(best.options()[d.index()] % d.options().size()).id());
    }
    sb.append(t.format("%n"));
  }

  private static double clamp01(double x) {
    return x < 0 ? 0 : (x > 1 ? 1 : x);
  }

  /** Largest over smallest value (infinite if any is not positive). */
  public static double spread(double[] xs) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double x : xs) {
      min = StrictMath.min(min, x);
      max = StrictMath.max(max, x);
    }
    return min > 0 ? max / min : Double.POSITIVE_INFINITY;
  }
}

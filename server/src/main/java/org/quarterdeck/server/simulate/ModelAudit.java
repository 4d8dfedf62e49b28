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

  /** A plain-text report of the figures. */
  public static String report(Rules rules, Figures f) {
    StringBuilder sb = new StringBuilder();
    ExploitSearch.Result r = f.search();
    ExploitSearch.Standing h = r.held();
    sb.append(
        String.format(
            Locale.ROOT,
            "scenario %s: search scored %d candidates; best %.2f on training seeds%n",
            rules.id(),
            r.evaluations(),
            r.trainScore()));
    sb.append(String.format(Locale.ROOT, "held-out (%d seeds): best %.2f", h.seeds(), h.recipe()));
    for (String bot : ExploitSearch.OPPONENTS) {
      sb.append(String.format(Locale.ROOT, ", %s %.2f", bot, h.of(bot)));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "; best - adaptive %+.2f; best beats adaptive on %.0f%%" + " of seeds%n",
            h.recipe() - h.of("adaptive"),
            100 * h.beatsAdaptive()));
    sb.append(r.best().describe(rules)).append('\n');
    sb.append("cost of dropping a role from the best:");
    List<String> marg = new ArrayList<>();
    for (Act a : rules.acts()) {
      if (a.kind() == ActCategory.LEADERSHIP) {
        sb.append(String.format(Locale.ROOT, " %s %.2f", a.id(), f.roleCost()[a.index()]));
      }
      marg.add(String.format(Locale.ROOT, "%s %.3f", a.id(), f.marginal()[a.index()]));
    }
    sb.append("\nmarginal score per hour at the balanced point: ").append(String.join(", ", marg));
    sb.append(String.format(Locale.ROOT, "%nmax/min marginal %.2f%n", spread(f.marginal())));
    sb.append(
        String.format(
            Locale.ROOT,
            "maximum overtime all season costs %.2f; all-numbers in the last turn costs %.2f"
                + " (%.2f with maximum overtime)%nmorale 75 vs 25 at the start: year results %+.1f%%%n",
            f.overtimeCost(),
            f.dumpCost(),
            f.dumpOvertimeCost(),
            100 * f.moraleEffect()));
    return sb.toString();
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

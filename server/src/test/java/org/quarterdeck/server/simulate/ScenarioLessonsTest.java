package org.quarterdeck.server.simulate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.engine.Rules;
import org.quarterdeck.server.scenario.ScenarioCatalog;

/** Each of the other built-in scenarios shows its own lesson over 100 seeds. */
class ScenarioLessonsTest {
  private static final int SEEDS = 100;

  private static double[][] meanQuarterResults(Rules rules, List<String> names) {
    double[][] mean = new double[names.size()][4];
    for (List<TeamOutcome> seed :
        Tournament.run(rules, names.stream().map(Strategies::parse).toList(), SEEDS)) {
      for (int k = 0; k < names.size(); k++) {
        for (int q = 0; q < 4; q++) {
          mean[k][q] += seed.get(k).results(q) / SEEDS;
        }
      }
    }
    return mean;
  }

  @Test
  void disruptionMakesLeadingChangeMatterMoreEveryQuarter() throws Exception {
    Rules rules = ScenarioCatalog.builtIn("disruption").rules();
    double[][] q = meanQuarterResults(rules, List.of("numbers", "balanced"));
    double previousGap = Double.NEGATIVE_INFINITY;
    for (int quarter = 0; quarter < 4; quarter++) {
      double gap = q[1][quarter] - q[0][quarter];
      assertTrue(
          gap > previousGap,
          "the gap between a team leading change and one that does not"
              + " widens every quarter: Q"
              + (quarter + 1)
              + " gap "
              + gap
              + " after "
              + previousGap);
      previousGap = gap;
    }
    assertTrue(q[0][3] < 0.6 * q[0][0], "pure management loses over 40% of its results by Q4");
  }

  @Test
  void twoHatsSplitTeamBeatsTwoManagersAndTwoLeaders() throws Exception {
    // numbers = both hats manage, leader = both lead, balanced = one leads and one manages
    Rules rules = ScenarioCatalog.builtIn("two-hats").rules();
    List<String> names = List.of("numbers", "leader", "balanced");
    int managersWinQ1 = 0;
    int splitBeatsManagers = 0;
    int splitBeatsLeaders = 0;
    for (List<TeamOutcome> seed :
        Tournament.run(rules, names.stream().map(Strategies::parse).toList(), SEEDS)) {
      managersWinQ1 += seed.get(0).results(0) > seed.get(2).results(0) ? 1 : 0;
      splitBeatsManagers += seed.get(2).score().score() > seed.get(0).score().score() ? 1 : 0;
      splitBeatsLeaders += seed.get(2).score().score() > seed.get(1).score().score() ? 1 : 0;
    }
    assertTrue(managersWinQ1 >= 0.8 * SEEDS, "two managers win Q1: " + managersWinQ1);
    assertTrue(
        splitBeatsManagers >= 0.95 * SEEDS, "split beats two managers: " + splitBeatsManagers);
    assertTrue(splitBeatsLeaders >= 0.8 * SEEDS, "split beats two leaders: " + splitBeatsLeaders);
  }

  @Test
  void companyCultureIsShared() throws Exception {
    Rules rules = ScenarioCatalog.builtIn("company").rules();
    double withLeaders = 0;
    double withNumbers = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      withLeaders +=
          Tournament.play(
                  rules,
                  List.of(
                      Strategies.parse("numbers"),
                      Strategies.parse("leader"),
                      Strategies.parse("leader")),
                  seed)
              .get(0)
              .endMorale();
      withNumbers +=
          Tournament.play(
                  rules,
                  List.of(
                      Strategies.parse("numbers"),
                      Strategies.parse("numbers"),
                      Strategies.parse("numbers")),
                  seed)
              .get(0)
              .endMorale();
    }
    assertTrue(
        withLeaders > withNumbers + 5 * SEEDS,
        "a numbers department keeps more morale among well-led departments: mean "
            + withLeaders / SEEDS
            + " vs "
            + withNumbers / SEEDS);
  }
}

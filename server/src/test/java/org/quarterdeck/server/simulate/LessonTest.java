package org.quarterdeck.server.simulate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.quarterdeck.server.scenario.ScenarioCatalog;

/**
 * The idea the game must teach, measured over 200 seeds of every built-in scenario. Each seed plays
 * one session holding every strategy (numbers, leader, balanced, adaptive, random and static:0.0
 * ... static:1.0), so all comparisons are within the same market and the same events. In two-hats,
 * {@code numbers} is a team of two managers, {@code leader} two leaders and {@code balanced} the
 * split team (one leads, one manages).
 */
class LessonTest {
  private static final int SEEDS = 200;
  private static final Map<String, LessonStats> STATS = new TreeMap<>();

  @BeforeAll
  static void play() throws Exception {
    for (String name : ScenarioCatalog.builtInNames()) {
      LessonStats s = LessonStats.measure(ScenarioCatalog.builtIn(name).rules(), SEEDS);
      STATS.put(name, s);
      System.out.println("lesson over " + SEEDS + " seeds of " + name + ":\n" + s);
    }
  }

  static Iterable<String> scenarios() {
    return ScenarioCatalog.builtInNames();
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void pureManagementWinsTheFirstQuarter(String scenario) {
    LessonStats s = STATS.get(scenario);
    assertTrue(s.share(s.numbersBeatsBalancedQ1) >= 0.8, scenario + ": " + s);
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void butLosesTheYearOnScoreAndOnMorale(String scenario) {
    LessonStats s = STATS.get(scenario);
    assertTrue(s.share(s.balancedBeatsNumbersScore) >= 0.95, scenario + ": " + s);
    assertTrue(s.share(s.balancedBeatsNumbersMorale) >= 0.95, scenario + ": " + s);
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void pureLeadershipMissesTheEarlyNumbersAndLosesTheYear(String scenario) {
    LessonStats s = STATS.get(scenario);
    assertTrue(s.share(s.leaderMissesEarly) >= 0.8, scenario + ": " + s);
    assertTrue(s.share(s.balancedBeatsLeaderScore) >= 0.8, scenario + ": " + s);
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void theBestStaticSplitIsAMixNotACorner(String scenario) {
    LessonStats s = STATS.get(scenario);
    double best = s.bestStaticShare();
    assertTrue(best >= 0.3 && best <= 0.7, scenario + ": " + s);
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void adaptingToTheTeamBeatsEveryStaticSplit(String scenario) {
    LessonStats s = STATS.get(scenario);
    for (double score : s.staticMeanScore) {
      assertTrue(s.adaptiveMeanScore > score, scenario + ": " + s);
    }
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void withoutLeadingChangeRisingPressureErodesResults(String scenario) {
    // numbers and static:0.0 spend no time leading change
    LessonStats s = STATS.get(scenario);
    assertTrue(s.share(s.numbersQ4BelowQ2) >= 0.9, scenario + ": " + s);
    assertTrue(s.share(s.static0Q4BelowQ2) >= 0.9, scenario + ": " + s);
  }
}

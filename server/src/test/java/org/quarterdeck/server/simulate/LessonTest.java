package org.quarterdeck.server.simulate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quarterdeck.server.scenario.ScenarioCatalog;

/**
 * The idea the game must teach, measured over 200 seeds of the default scenario. Each seed plays
 * one market session holding every strategy (numbers, leader, balanced, adaptive, random and
 * static:0.0 ... static:1.0), so all comparisons are within the same market and the same events.
 */
class LessonTest {
  private static final int SEEDS = 200;
  private static LessonStats stats;

  @BeforeAll
  static void play() throws Exception {
    stats = LessonStats.measure(ScenarioCatalog.builtIn(ScenarioCatalog.defaultName()).rules(),
        SEEDS);
    System.out.println("lesson over " + SEEDS + " seeds of the default scenario:\n" + stats);
  }

  @Test
  void pureManagementWinsTheFirstQuarter() {
    assertTrue(stats.share(stats.numbersBeatsBalancedQ1) >= 0.8, stats.toString());
  }

  @Test
  void butLosesTheYearOnScoreAndOnMorale() {
    assertTrue(stats.share(stats.balancedBeatsNumbersScore) >= 0.8, stats.toString());
    assertTrue(stats.share(stats.balancedBeatsNumbersMorale) >= 0.8, stats.toString());
  }

  @Test
  void pureLeadershipMissesTheEarlyNumbers() {
    assertTrue(stats.share(stats.leaderMissesEarly) >= 0.8, stats.toString());
  }

  @Test
  void theBestStaticSplitIsAMixNotACorner() {
    double best = stats.bestStaticShare();
    assertTrue(best > 0.2 && best < 0.8, stats.toString());
  }

  @Test
  void adaptingToTheTeamBeatsEveryStaticSplit() {
    for (double s : stats.staticMeanScore) {
      assertTrue(stats.adaptiveMeanScore > s, stats.toString());
    }
  }

  @Test
  void withoutLeadingChangeRisingPressureErodesResults() {
    // numbers and static:0.0 spend no time leading change
    assertTrue(stats.share(stats.numbersQ4BelowQ2) >= 0.7, stats.toString());
    assertTrue(stats.share(stats.static0Q4BelowQ2) >= 0.7, stats.toString());
  }
}

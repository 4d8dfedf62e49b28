package org.quarterdeck.server.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.bot.Strategy;
import org.quarterdeck.server.engine.Rules;
import org.quarterdeck.server.scenario.ScenarioCatalog;

/** The lesson's measurements over many seeds of one session holding every strategy. */
final class LessonStats {
  static final List<String> STATIC_SHARES =
      List.of("0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0");

  final int seeds;
  int numbersBeatsBalancedQ1;
  int balancedBeatsNumbersScore;
  int balancedBeatsNumbersMorale;
  int leaderMissesEarly;
  int balancedBeatsLeaderScore;
  int numbersQ4BelowQ2;
  int static0Q4BelowQ2;
  final double[] staticMeanScore = new double[STATIC_SHARES.size()];
  double adaptiveMeanScore;
  double numbersMeanScore;
  double balancedMeanScore;
  double leaderMeanScore;

  private LessonStats(int seeds) {
    this.seeds = seeds;
  }

  static List<Strategy> strategies() {
    List<Strategy> s = new ArrayList<>();
    for (String n : List.of("numbers", "leader", "balanced", "adaptive", "random")) {
      s.add(Strategies.parse(n));
    }
    for (String share : STATIC_SHARES) {
      s.add(Strategies.parse("static:" + share));
    }
    return s;
  }

  static LessonStats measure(Rules rules, int seeds) {
    LessonStats st = new LessonStats(seeds);
    List<Strategy> strategies = strategies();
    for (long seed = 1; seed <= seeds; seed++) {
      List<TeamOutcome> o = Tournament.play(rules, strategies, seed);
      TeamOutcome numbers = o.get(0);
      TeamOutcome leader = o.get(1);
      TeamOutcome balanced = o.get(2);
      TeamOutcome adaptive = o.get(3);
      if (numbers.results(0) > balanced.results(0)) {
        st.numbersBeatsBalancedQ1++;
      }
      if (balanced.score().score() > numbers.score().score()) {
        st.balancedBeatsNumbersScore++;
      }
      if (balanced.endMorale() > numbers.endMorale()) {
        st.balancedBeatsNumbersMorale++;
      }
      if (!leader.hit(0) || !leader.hit(1)) {
        st.leaderMissesEarly++;
      }
      if (balanced.score().score() > leader.score().score()) {
        st.balancedBeatsLeaderScore++;
      }
      if (numbers.results(3) < numbers.results(1)) {
        st.numbersQ4BelowQ2++;
      }
      if (o.get(5).results(3) < o.get(5).results(1)) {
        st.static0Q4BelowQ2++;
      }
      for (int k = 0; k < STATIC_SHARES.size(); k++) {
        st.staticMeanScore[k] += o.get(5 + k).score().score() / seeds;
      }
      st.adaptiveMeanScore += adaptive.score().score() / seeds;
      st.numbersMeanScore += numbers.score().score() / seeds;
      st.balancedMeanScore += balanced.score().score() / seeds;
      st.leaderMeanScore += leader.score().score() / seeds;
    }
    return st;
  }

  double share(int count) {
    return (double) count / seeds;
  }

  double bestStaticShare() {
    int best = 0;
    for (int k = 1; k < staticMeanScore.length; k++) {
      if (staticMeanScore[k] > staticMeanScore[best]) {
        best = k;
      }
    }
    return Double.parseDouble(STATIC_SHARES.get(best));
  }

  double bestStaticScore() {
    double best = Double.NEGATIVE_INFINITY;
    for (double s : staticMeanScore) {
      best = Math.max(best, s);
    }
    return best;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "seeds %d%n numbers>balanced Q1 %.3f%n balanced>numbers score %.3f morale %.3f%n"
                + " leader misses Q1|Q2 %.3f balanced>leader score %.3f%n"
                + " numbers Q4<Q2 %.3f static:0.0 Q4<Q2 %.3f%n"
                + " mean score numbers %.2f leader %.2f balanced %.2f adaptive %.2f%n static:",
            seeds,
            share(numbersBeatsBalancedQ1),
            share(balancedBeatsNumbersScore),
            share(balancedBeatsNumbersMorale),
            share(leaderMissesEarly),
            share(balancedBeatsLeaderScore),
            share(numbersQ4BelowQ2),
            share(static0Q4BelowQ2),
            numbersMeanScore,
            leaderMeanScore,
            balancedMeanScore,
            adaptiveMeanScore));
    for (int k = 0; k < STATIC_SHARES.size(); k++) {
      sb.append(String.format(Locale.ROOT, " %s=%.2f", STATIC_SHARES.get(k), staticMeanScore[k]));
    }
    sb.append(
        String.format(
            Locale.ROOT, "%n best static %.1f (%.2f)", bestStaticShare(), bestStaticScore()));
    return sb.toString();
  }

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 ? args[0] : ScenarioCatalog.defaultName();
    int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    long t0 = System.nanoTime();
    LessonStats st = measure(ScenarioCatalog.byNameOrFile(name).rules(), seeds);
    System.out.println(st);
    System.out.printf("took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    if (args.length > 2) {
      for (TeamOutcome o :
          Tournament.play(
              ScenarioCatalog.byNameOrFile(name).rules(), strategies(), Long.parseLong(args[2]))) {
        System.out.printf(
            Locale.ROOT,
            "%-12s score %.1f morale %.0f adoption %.2f q %s%n",
            o.strategy(),
            o.score().score(),
            o.endMorale(),
            o.endAdoption(),
            o.quarters().stream()
                .map(q -> String.format(Locale.ROOT, "%.0f/%.0f", q.results(), q.target()))
                .toList());
      }
    }
  }
}

package org.quarterdeck.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Turn reports explain themselves completely: the contributions add up to each change. */
class TurnReportTest {
  private static final Rules RULES = Fixtures.rules();

  @Property(tries = 20)
  void contributionsAddUpToEveryChange(@ForAll long seed) {
    Game g = Game.start(RULES, seed, List.of("red", "blue", "gold"));
    while (!g.isOver()) {
      List<AcceptedDecision> ds = new ArrayList<>();
      SeededRandom r = SeededRandom.of(seed, g.turn(), 0, 11);
      for (Seat seat : g.seats()) {
        TurnOpening open = g.opening(seat);
        SeatDecision.Builder b = SeatDecision.builder(seat, g.turn());
        double left = open.freeHours() + open.maxOvertimeHours() * r.nextDouble();
        for (Act a : open.acts()) {
          double h = left * r.nextDouble() * 0.5;
          b.hours(a.id(), h);
          left -= h;
        }
        ds.add(Fixtures.accept(g, b.build()));
      }
      TurnOutcome o = g.resolve(ds, List.of());
      for (TeamReport report : o.reports()) {
        for (VariableDelta c : report.changes()) {
          double sum = c.contributions().stream().mapToDouble(Attribution::amount).sum();
          assertEquals(
              c.delta(),
              sum,
              1e-6 * Math.max(1, Math.abs(c.before())),
              "turn " + report.turn() + " " + c.describe());
        }
      }
      g = o.next();
    }
  }

  @Test
  void reportNamesCausesInScenarioWords() {
    Game g = Fixtures.solo(RULES, 3);
    TurnOutcome o = Fixtures.play(g, Map.of("push", 104.0));
    TeamReport r = o.report("red");
    String morale = r.change(Var.MORALE).orElseThrow().describe();
    assertTrue(morale.startsWith("morale \u2212"), morale);
    assertTrue(morale.contains("no recognition \u22121.6"), morale);
    String results = r.change(Var.RESULTS).orElseThrow().describe();
    assertTrue(results.contains("pushing the numbers +"), results);
    assertTrue(results.contains("team output +"), results);
    assertTrue(results.contains("competitive pressure \u2212"), results);
    String stress = r.change(Var.STRESS).orElseThrow().describe();
    assertTrue(stress.contains("pressure to deliver +"), stress);
    List<Attribution> cs = r.change(Var.RESULTS).orElseThrow().contributions();
    for (int i = 1; i < cs.size(); i++) {
      assertTrue(Math.abs(cs.get(i - 1).amount()) >= Math.abs(cs.get(i).amount()), "largest first");
    }
  }

  @Test
  void quarterCloseIsReportedWithTheResult() {
    Game g = Fixtures.solo(RULES, 3);
    TurnOutcome o = null;
    for (int t = 0; t < 3; t++) {
      o = g.resolve(List.of(), List.of());
      g = o.next();
    }
    QuarterResult q = o.report("red").quarterClosed().orElseThrow();
    assertEquals(1, q.quarter());
    assertEquals(235.0, q.target(), 1e-9);
    assertEquals(q.results(), g.team("red").quarterResult(0), 0.0);
    assertEquals(0.0, g.team("red").get(Var.RESULTS), 0.0, "a new quarter starts from zero");
    assertEquals(List.of(q), o.quarterClosed().orElseThrow());
  }

  @Test
  void finalScoresAndDebrief() {
    Game g = Fixtures.solo(RULES, 3);
    while (!g.isOver()) {
      g = g.resolve(List.of(), List.of()).next();
    }
    TeamScore s = g.finalScores().get(0);
    assertEquals(4, s.quarters().size());
    double expected =
        100
            * (45 * s.results()
                + 15 * s.morale()
                + 15 * s.capability()
                + 15 * s.adoption()
                + 10 * s.integrity()
                + 10 * s.carriedForward())
            / 110;
    assertEquals(expected, s.score(), 1e-9);
    Debrief d = g.debrief();
    assertEquals(RULES.scenario().getLesson(), d.lesson());
    assertTrue(d.teams().get(0).lines().get(0).startsWith("Quarters vs target: Q1 "));
  }

  @Test
  void reportsShowTheAnxiousBossAndTheTiredLeaderAndStillAddUp() {
    Rules quiet = Fixtures.rules(Fixtures::quiet);
    Game g = Fixtures.solo(quiet, 1);
    TurnOutcome o = null;
    // months of maximum overtime on coaching only: the numbers are missed, the boss gets anxious,
    // the leader tires and long hours cut what the hours achieve
    for (int t = 0; t < 6; t++) {
      double hours = g.opening(Fixtures.red()).maxBookableHours();
      o = Fixtures.play(g, Map.of("coach", hours));
      g = o.next();
    }
    TeamReport r = o.report("red");
    VariableDelta hours = r.change(Var.ACT_HOURS).orElseThrow();
    List<Cause> causes = hours.contributions().stream().map(Attribution::cause).toList();
    assertTrue(
        causes.contains(Cause.TIRED_LEADER) && causes.contains(Cause.LONG_HOURS), hours.describe());
    assertTrue(
        r.change(Var.STRESS).orElseThrow().contributions().stream()
            .anyMatch(c -> c.cause() == Cause.TIRED_LEADER),
        "a tired leader stresses the team");
    boolean anxious = false;
    Game h = Fixtures.solo(quiet, 1);
    for (int t = 0; t < 6; t++) {
      TurnOutcome idle = Fixtures.play(h, Map.of());
      anxious |=
          idle.report("red").change(Var.INTERRUPTIONS).stream()
              .flatMap(d -> d.contributions().stream())
              .anyMatch(c -> c.cause() == Cause.ANXIOUS_BOSS);
      h = idle.next();
    }
    assertTrue(anxious, "the anxious boss's interruption hours are explained");
    for (VariableDelta d : List.of(hours, r.change(Var.STRESS).orElseThrow())) {
      double sum = d.contributions().stream().mapToDouble(Attribution::amount).sum();
      assertEquals(d.after() - d.before(), sum, 1e-9, d.describe());
    }
  }
}

package org.quarterdeck.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hours and output (Pencavel, IZA DP 8129). */
class PencavelTest {
  @Test
  void outputIsProportionalUpToTheKneeThenPeaksAndFalls() {
    assertEquals(40.0, Pencavel.effectiveHours(40, 49, 63), 1e-12);
    assertEquals(49.0, Pencavel.effectiveHours(49, 49, 63), 1e-12);
    double at63 = Pencavel.effectiveHours(63, 49, 63);
    assertTrue(at63 > Pencavel.effectiveHours(60, 49, 63));
    assertTrue(at63 > Pencavel.effectiveHours(66, 49, 63));
    assertEquals(
        Pencavel.effectiveHours(56, 49, 63),
        Pencavel.effectiveHours(70, 49, 63),
        1e-9,
        "Pencavel: output at 70 h/week is about output at 56 h/week");
  }

  @Test
  void givenOvertimePastTheKneeWhenPushingThenEachHourYieldsLess() {
    // given two quiet teams, one working its budget, one booking all its overtime on pushing
    Rules rules = Fixtures.rules(Fixtures::quiet);
    Game game = Fixtures.solo(rules, 7);
    TurnOpening open = game.opening(Fixtures.red());
    double normal = open.freeHours();
    double extra = open.freeHours() + open.maxOvertimeHours();
    // when
    TurnOutcome a = Fixtures.play(game, Map.of("push", normal));
    TurnOutcome b = Fixtures.play(game, Map.of("push", extra));
    // then: more hours yield more, but less per hour, and drain the leader's energy
    double pushA = pushContribution(a);
    double pushB = pushContribution(b);
    assertTrue(pushB > pushA, "more hours still add something");
    assertTrue(pushB / extra < pushA / normal, "each hour past the knee yields less");
    double weekly = (open.interruptionHours() + extra) / 4.33;
    double factor = Pencavel.factor(weekly, 49, 63);
    assertTrue(factor < 1.0, "worked " + weekly + " h/week, past the knee");
    assertTrue(
        b.next().team("red").get(Var.LEADER_ENERGY) < a.next().team("red").get(Var.LEADER_ENERGY));
    assertTrue(
        b.report("red").change(Var.LEADER_ENERGY).orElseThrow().describe().contains("overtime"));
  }

  private static double pushContribution(TurnOutcome o) {
    return o.report("red").change(Var.RESULTS).orElseThrow().contributions().stream()
        .filter(c -> c.label().equals("pushing the numbers"))
        .mapToDouble(Attribution::amount)
        .sum();
  }
}

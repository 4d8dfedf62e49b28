package org.quarterdeck.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's adoption step against the published discrete Bass reference. */
class AdoptionTest {
  private static final double P = 0.03;
  private static final double Q = 0.38;

  @Test
  void reproducesDiscreteBassReference() {
    // Bass 1969; p, q averages from Sultan, Farley & Lehmann 1990; discrete form with N0 = 0
    double adopted = 0;
    double[] n = new double[11];
    double[] cumulative = new double[11];
    for (int t = 1; t <= 10; t++) {
      n[t] = Adoption.newAdopters(adopted, P, Q);
      adopted += n[t];
      cumulative[t] = adopted;
    }
    assertEquals(0.030, n[1], 1e-3, "n1");
    int peak = 1;
    for (int t = 2; t <= 10; t++) {
      if (n[t] > n[peak]) {
        peak = t;
      }
    }
    assertEquals(8, peak, "peak turn");
    assertEquals(0.1105, n[8], 1e-3, "peak n8");
    assertEquals(0.783, cumulative[10], 1e-3, "N10");
  }

  @Test
  void leadingChangeRaisesAdoptionAndNeglectLetsItStall() {
    Rules rules = Fixtures.rules(Fixtures::quiet);
    Game led = Fixtures.solo(rules, 1);
    Game neglected = Fixtures.solo(rules, 1);
    for (int t = 0; t < 6; t++) {
      led = Fixtures.play(led, Map.of("change", 40.0, "push", 40.0)).next();
      neglected = Fixtures.play(neglected, Map.of("push", 80.0)).next();
    }
    double start = rules.start[Var.ADOPTION.ordinal()];
    // the published average p = 0.03 per turn at full drive (Sultan, Farley & Lehmann 1990)
    assertTrue(
        led.team("red").get(Var.ADOPTION) > start + 0.1,
        "leading change for six months moves adoption well past "
            + start
            + ": "
            + led.team("red").get(Var.ADOPTION));
    assertTrue(
        neglected.team("red").get(Var.ADOPTION) < start + 0.05,
        "without anyone leading it, the change stalls: " + neglected.team("red").get(Var.ADOPTION));
  }

  @Test
  void adoptionStepIsZeroWhenEveryoneAdopted() {
    assertEquals(0.0, Adoption.newAdopters(1.0, P, Q), 0.0);
    assertEquals(P, Adoption.newAdopters(0.0, P, Q), 0.0);
    assertTrue(List.of(0.1, 0.5, 0.9).stream().allMatch(a -> Adoption.newAdopters(a, P, Q) > 0));
  }
}

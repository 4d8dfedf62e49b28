package org.quarterdeck.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DecisionsRunTest {

  @Test
  void theCeilingIsSoughtInStepsOfAQuarter() {
    assertEquals(18_750, DecisionsRun.nextCeilingRate(15_000));
    int rate = 15_000;
    for (int step = 0; step < 10; step++) {
      int next = DecisionsRun.nextCeilingRate(rate);
      assertTrue(next > rate && next <= rate * 5 / 4 + 1, rate + " -> " + next);
      rate = next;
    }
    // ten steps from the table's last listed rate reach beyond any echo ceiling measured here
    assertTrue(rate > 130_000, "ten steps reach " + rate);
  }

  @Test
  void aRateOfOneStillClimbs() {
    assertEquals(2, DecisionsRun.nextCeilingRate(1));
  }
}

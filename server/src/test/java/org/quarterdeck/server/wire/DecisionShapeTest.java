package org.quarterdeck.server.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.DilemmaChoice;

/** Each entry of a decision is checked on its own, and its lists are bounded (issue #11). */
class DecisionShapeTest {
  private static ActHours hours(String act, double h) {
    return ActHours.newBuilder().setAct(act).setHours(h).build();
  }

  private static DecisionShape.Problem problem(Decision d) {
    return DecisionShape.check(d).orElseThrow(() -> new AssertionError("accepted: " + d));
  }

  @Test
  void aNegativeEntryCannotHideInAPositiveSum() {
    DecisionShape.Problem p =
        problem(
            Decision.newBuilder().addHours(hours("push", 10)).addHours(hours("push", -5)).build());
    assertEquals("hours[push]", p.field());
    assertTrue(p.message().contains("negative"), p.message());
  }

  @Test
  void aRepeatedActWithValidEntriesPassesToBeSummed() {
    assertTrue(
        DecisionShape.check(
                Decision.newBuilder().addHours(hours("push", 3)).addHours(hours("push", 4)).build())
            .isEmpty());
  }

  @Test
  void nonFiniteHoursAreRefused() {
    assertEquals(
        "hours[coach]",
        problem(Decision.newBuilder().addHours(hours("coach", Double.NaN)).build()).field());
    assertEquals(
        "hours[coach]",
        problem(Decision.newBuilder().addHours(hours("coach", Double.POSITIVE_INFINITY)).build())
            .field());
  }

  @Test
  void listsHoldAtMost64Entries() {
    Decision.Builder ok = Decision.newBuilder();
    for (int i = 0; i < 64; i++) {
      ok.addHours(hours("push", 0.1));
    }
    assertTrue(DecisionShape.check(ok.build()).isEmpty());
    assertEquals("hours", problem(ok.addHours(hours("push", 0.1)).build()).field());
    Decision.Builder huge = Decision.newBuilder();
    for (int i = 0; i < 3000; i++) {
      huge.addHours(hours("a" + i, 1));
    }
    assertEquals("hours", problem(huge.build()).field());
    Decision.Builder choices = Decision.newBuilder();
    for (int i = 0; i < 65; i++) {
      choices.addChoices(DilemmaChoice.newBuilder().setDilemma("d" + i).setOption("o"));
    }
    assertEquals("choices", problem(choices.build()).field());
  }

  @Test
  void aDilemmaAnsweredTwiceAndOverlongIdsAreRefused() {
    assertEquals(
        "choices[audit]",
        problem(
                Decision.newBuilder()
                    .addChoices(DilemmaChoice.newBuilder().setDilemma("audit").setOption("shade"))
                    .addChoices(DilemmaChoice.newBuilder().setDilemma("audit").setOption("honest"))
                    .build())
            .field());
    assertEquals(
        "hours",
        problem(Decision.newBuilder().addHours(hours("x".repeat(201), 1)).build()).field());
  }
}

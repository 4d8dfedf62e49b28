package org.quarterdeck.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.DilemmaOptionView;
import org.quarterdeck.protocol.v1.DilemmaView;
import org.quarterdeck.protocol.v1.Hat;
import org.quarterdeck.protocol.v1.TurnOpened;

class DraftTest {
  static final TurnOpened TURN =
      TurnOpened.newBuilder()
          .setTurn(3)
          .setFreeHours(40)
          .setMaxOvertimeHours(10)
          .addActs(ActView.newBuilder().setId("push").setLeadership(false))
          .addActs(ActView.newBuilder().setId("report").setLeadership(false))
          .addActs(ActView.newBuilder().setId("coach").setLeadership(true))
          .addActs(ActView.newBuilder().setId("change").setLeadership(true))
          .addDilemmas(
              DilemmaView.newBuilder()
                  .setId("shade")
                  .addOptions(DilemmaOptionView.newBuilder().setId("honest"))
                  .addOptions(DilemmaOptionView.newBuilder().setId("shade")))
          .build();

  @Test
  void aLineIsAppliedWhole() throws Exception {
    Draft d = new Draft(TURN, Hat.BOTH);
    d.assign(List.of("push=10", "coach=8,change=6"));
    assertEquals(24, d.booked());
    d.assign(List.of("push=0", "coach=30"));
    assertEquals(36, d.booked());
    assertEquals(0, d.hoursOn("push"));
  }

  @Test
  void overTheBudgetIsRefusedAndNothingChanges() throws Exception {
    Draft d = new Draft(TURN, Hat.BOTH);
    d.assign(List.of("push=30"));
    Draft.Refused r =
        assertThrows(Draft.Refused.class, () -> d.assign(List.of("report=5", "coach=16")));
    assertTrue(r.getMessage().contains("that would book 51 h, but at most 50 h"), r.getMessage());
    assertEquals(30, d.booked());
    assertEquals(0, d.hoursOn("report"), "no part of a refused line is kept");
    d.assign(List.of("coach=20")); // exactly free + overtime is allowed
    assertEquals(50, d.booked());
  }

  @Test
  void badHoursUnknownActsAndWrongHatsAreRefused() throws Exception {
    Draft d = new Draft(TURN, Hat.BOTH);
    assertThrows(Draft.Refused.class, () -> d.assign(List.of("push=-1")));
    assertThrows(Draft.Refused.class, () -> d.assign(List.of("push=NaN")));
    assertThrows(Draft.Refused.class, () -> d.assign(List.of("push=Infinity")));
    assertThrows(Draft.Refused.class, () -> d.assign(List.of("push=ten")));
    assertThrows(Draft.Refused.class, () -> d.assign(List.of("lunch=2")));
    assertThrows(Draft.Refused.class, () -> d.assign(List.of("push")));
    Draft leader = new Draft(TURN, Hat.LEADER);
    assertThrows(Draft.Refused.class, () -> leader.assign(List.of("push=2")));
    leader.assign(List.of("coach=2", "push=0"));
    assertEquals(2, leader.booked());
    assertEquals(0, d.booked());
  }

  @Test
  void dilemmaChoicesAreChecked() throws Exception {
    Draft d = new Draft(TURN, Hat.BOTH);
    assertThrows(Draft.Refused.class, () -> d.choose("shade", "maybe"));
    assertThrows(Draft.Refused.class, () -> d.choose("blame", "own-it"));
    d.choose("shade", "honest");
    assertEquals("honest", d.toDecision().getChoices(0).getOption());
    assertThrows(Draft.Refused.class, () -> new Draft(TURN, Hat.MANAGER).choose("shade", "honest"));
  }

  /** Whatever is typed, the draft never holds more than free + overtime hours. */
  @Property(tries = 300)
  void theDraftNeverExceedsTheBudget(
      @ForAll @Size(max = 12) List<@DoubleRange(min = -5, max = 60) Double> hours,
      @ForAll @Size(max = 12) List<@StringLength(min = 1, max = 1) String> actPicks) {
    Draft d = new Draft(TURN, Hat.BOTH);
    String[] acts = {"push", "report", "coach", "change"};
    for (int i = 0; i < Math.min(hours.size(), actPicks.size()); i++) {
      String act = acts[Math.floorMod(actPicks.get(i).charAt(0), acts.length)];
      try {
        d.assign(List.of(act + "=" + hours.get(i)));
      } catch (Draft.Refused ignored) {
        // refused lines are the point
      }
      assertTrue(d.booked() <= d.max() + 1e-9, "booked " + d.booked());
      double sent = d.toDecision().getHoursList().stream().mapToDouble(h -> h.getHours()).sum();
      assertTrue(
          sent <= d.max() + 1e-9
              && d.toDecision().getHoursList().stream().allMatch(h -> h.getHours() > 0));
    }
  }

  @Test
  void wordsHonourQuotes() {
    assertEquals(
        List.of("inject-custom", "Flu season", "morale=-5", "narrative=Half ill"),
        Console.words("inject-custom \"Flu season\" morale=-5 narrative=\"Half ill\""));
    assertEquals(List.of("a", "", "b"), Console.words("a \"\" b"));
    assertThrows(IllegalArgumentException.class, () -> Console.words("say \"oops"));
  }
}

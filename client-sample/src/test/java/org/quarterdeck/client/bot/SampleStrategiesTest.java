package org.quarterdeck.client.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.DilemmaOptionView;
import org.quarterdeck.protocol.v1.DilemmaView;
import org.quarterdeck.protocol.v1.TurnOpened;

class SampleStrategiesTest {
  private static final String[] MANAGEMENT = {"push", "report", "process", "firefight"};
  private static final String[] LEADERSHIP = {
    "coach", "change", "challenge", "vision", "serve", "values"
  };

  static TurnOpened turn(double free, int turnNumber, boolean management, boolean leadership) {
    TurnOpened.Builder b =
        TurnOpened.newBuilder()
            .setTurn(turnNumber)
            .setQuarter((turnNumber - 1) / 3 + 1)
            .setFreeHours(free)
            .setMaxOvertimeHours(40);
    if (management) {
      for (String id : MANAGEMENT) {
        b.addActs(ActView.newBuilder().setId(id).setLeadership(false));
      }
    }
    if (leadership) {
      for (String id : LEADERSHIP) {
        b.addActs(ActView.newBuilder().setId(id).setLeadership(true));
      }
    }
    return b.addDilemmas(
            DilemmaView.newBuilder()
                .setId("d")
                .addOptions(DilemmaOptionView.newBuilder().setId("a"))
                .addOptions(DilemmaOptionView.newBuilder().setId("b")))
        .build();
  }

  private static double hoursOn(Decision d, Set<String> acts) {
    return d.getHoursList().stream()
        .filter(h -> acts.contains(h.getAct()))
        .mapToDouble(ActHours::getHours)
        .sum();
  }

  @Property(tries = 200)
  void everyStrategyStaysWithinFreeHoursAndTheTurnsActs(
      @ForAll @DoubleRange(min = 0, max = 200) double free,
      @ForAll @IntRange(min = 1, max = 12) int turnNumber,
      @ForAll @DoubleRange(min = 0, max = 100) double morale,
      @ForAll @IntRange(min = 0, max = 2) int hatShape,
      @ForAll long seed) {
    TurnOpened t = turn(free, turnNumber, hatShape != 1, hatShape != 2);
    Set<String> offered = t.getActsList().stream().map(ActView::getId).collect(Collectors.toSet());
    for (String name :
        new String[] {"adaptive", "balanced", "numbers", "leader", "random", "static:0.3"}) {
      Decision d =
          SampleStrategies.parse(name)
              .decide(
                  t, Map.of("morale", morale, "results", 10.0, "target", 100.0), new Random(seed));
      double total = d.getHoursList().stream().mapToDouble(ActHours::getHours).sum();
      assertTrue(total <= free + 1e-9, name + " booked " + total + " of " + free);
      assertTrue(total >= free - 0.5 * offered.size() - 1e-9, name + " left hours unused");
      assertTrue(
          d.getHoursList().stream().allMatch(h -> h.getHours() > 0 && offered.contains(h.getAct())),
          name + ": " + d);
      assertEquals(1, d.getChoicesCount());
      assertTrue(Set.of("a", "b").contains(d.getChoices(0).getOption()));
    }
  }

  @Test
  void fixedSplitsPutTheHoursWhereTheirNamesSay() {
    TurnOpened t = turn(100, 1, true, true);
    Set<String> lead = Set.of(LEADERSHIP);
    Set<String> manage = Set.of(MANAGEMENT);
    Decision numbers = SampleStrategies.parse("numbers").decide(t, Map.of(), new Random(1));
    assertEquals(0, hoursOn(numbers, lead));
    assertEquals(100, hoursOn(numbers, manage));
    Decision leader = SampleStrategies.parse("leader").decide(t, Map.of(), new Random(1));
    assertEquals(0, hoursOn(leader, manage));
    Decision balanced = SampleStrategies.parse("balanced").decide(t, Map.of(), new Random(1));
    assertEquals(hoursOn(balanced, lead), hoursOn(balanced, manage), 3.0);
    Decision s = SampleStrategies.parse("static:0.3").decide(t, Map.of(), new Random(1));
    assertEquals(30, hoursOn(s, lead), 3.0);
  }

  @Test
  void adaptiveLeadsMoreWhenMoraleFallsAndManagesMoreWhenResultsLag() {
    TurnOpened t = turn(100, 2, true, true);
    Set<String> lead = Set.of(LEADERSHIP);
    SampleStrategy adaptive = SampleStrategies.parse("adaptive");
    Map<String, Double> healthy =
        Map.of("morale", 70.0, "adoption", 0.6, "results", 40.0, "target", 100.0);
    Map<String, Double> lowMorale =
        Map.of("morale", 40.0, "adoption", 0.6, "results", 40.0, "target", 100.0);
    Map<String, Double> lagging =
        Map.of("morale", 70.0, "adoption", 0.6, "results", 5.0, "target", 100.0);
    double base = hoursOn(adaptive.decide(t, healthy, new Random(1)), lead);
    Decision sad = adaptive.decide(t, lowMorale, new Random(1));
    assertTrue(hoursOn(sad, lead) > base);
    assertTrue(
        sad.getHoursList().stream()
                .filter(h -> h.getAct().equals("coach"))
                .findFirst()
                .orElseThrow()
                .getHours()
            > base / 6,
        "coaching gets more than its share");
    assertTrue(hoursOn(adaptive.decide(t, lagging, new Random(1)), lead) < base);
  }

  @Test
  void adaptiveJudgesResultsByTheQuarterLengthOnTheWire() {
    // Turn 4 of a four-turn quarter: three quarters of the target should be made by now. A
    // three-turn guess would take turn 4 for the first of a new quarter and not judge at all.
    TurnOpened last =
        turn(100, 4, true, true).toBuilder()
            .setQuarter(1)
            .setTurnInQuarter(4)
            .setTurnsPerQuarter(4)
            .build();
    Set<String> lead = Set.of(LEADERSHIP);
    SampleStrategy adaptive = SampleStrategies.parse("adaptive");
    Map<String, Double> onTrack =
        Map.of("morale", 70.0, "adoption", 0.6, "results", 80.0, "target", 100.0);
    Map<String, Double> lagging =
        Map.of("morale", 70.0, "adoption", 0.6, "results", 60.0, "target", 100.0);
    assertTrue(
        hoursOn(adaptive.decide(last, lagging, new Random(1)), lead)
            < hoursOn(adaptive.decide(last, onTrack, new Random(1)), lead),
        "60 of 100 after three of four turns lags; 80 does not");
    TurnOpened first = last.toBuilder().setTurn(5).setQuarter(2).setTurnInQuarter(1).build();
    assertEquals(
        hoursOn(adaptive.decide(first, onTrack, new Random(1)), lead),
        hoursOn(adaptive.decide(first, lagging, new Random(1)), lead),
        1e-9,
        "the first turn of a quarter has nothing to judge yet");
  }

  @Test
  void randomIsSeededAndNamesAreChecked() {
    TurnOpened t = turn(80, 1, true, true);
    SampleStrategy random = SampleStrategies.parse("random");
    assertEquals(
        random.decide(t, Map.of(), new Random(5)), random.decide(t, Map.of(), new Random(5)));
    assertThrows(IllegalArgumentException.class, () -> SampleStrategies.parse("static:1.5"));
    assertThrows(IllegalArgumentException.class, () -> SampleStrategies.parse("static:x"));
    assertThrows(IllegalArgumentException.class, () -> SampleStrategies.parse("greedy"));
  }
}

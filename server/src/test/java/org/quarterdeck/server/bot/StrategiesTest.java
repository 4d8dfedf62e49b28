package org.quarterdeck.server.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.ActCategory;
import org.quarterdeck.server.engine.Game;
import org.quarterdeck.server.engine.Rules;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.engine.SeatDecision;
import org.quarterdeck.server.engine.SeatHat;
import org.quarterdeck.server.engine.SeededRandom;
import org.quarterdeck.server.engine.TurnOpening;
import org.quarterdeck.server.engine.Verdict;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.scenario.ScenarioException;

class StrategiesTest {
  private static Rules rules(String name) {
    try {
      return ScenarioCatalog.builtIn(name).rules();
    } catch (ScenarioException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void parsesEveryNameAndRejectsNonsense() {
    for (String n :
        List.of(
            "numbers",
            "leader",
            "balanced",
            "adaptive",
            "random",
            "static:0",
            "static:0.35",
            "static:1.0")) {
      assertEquals(n, Strategies.parse(n).name());
    }
    for (String bad :
        List.of("", "manager", "static:", "static:1.5", "static:-0.1", "static:x", "static:NaN")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Strategies.parse(bad), bad);
      assertTrue(e.getMessage().contains("static") || e.getMessage().contains("strategy"));
    }
    assertEquals(3, Strategies.parseList("numbers,leader,static:0.2").size());
  }

  @Test
  void staticShareSplitsFreeHoursEvenly() {
    Rules r = rules("market-year");
    Game g = Game.start(r, 1, List.of("red"));
    TurnOpening open = g.opening(new Seat("red", SeatHat.BOTH));
    SeatDecision d =
        Strategies.parse("static:0.3")
            .decide(open, g.team("red"), SeededRandom.of(1, 1, 0, SeededRandom.STREAM_BOT));
    double lead = 0;
    double manage = 0;
    for (var a : r.acts()) {
      double h = d.hours().getOrDefault(a.id(), 0.0);
      if (a.kind() == ActCategory.LEADERSHIP) {
        assertEquals(0.3 * open.freeHours() / 6, h, 1e-9, a.id());
        lead += h;
      } else {
        manage += h;
      }
    }
    assertEquals(0.3 * open.freeHours(), lead, 1e-9);
    assertEquals(0.7 * open.freeHours(), manage, 1e-9);
  }

  @Provide
  Arbitrary<String> strategyNames() {
    return Arbitraries.oneOf(
        Arbitraries.of("numbers", "leader", "balanced", "adaptive", "random"),
        Arbitraries.doubles().between(0, 1).map(s -> "static:" + s));
  }

  @Property(tries = 60)
  void hoursNeverExceedTheBudgetAndAreAlwaysValid(
      @ForAll("strategyNames") String name,
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 3) int scenario) {
    Rules r = rules(ScenarioCatalog.builtInNames().get(scenario));
    Strategy s = Strategies.parse(name);
    Game g = Game.start(r, seed, List.of("a", "b"));
    while (!g.isOver()) {
      List<AcceptedDecision> ds = new java.util.ArrayList<>();
      for (Seat seat : g.seats()) {
        TurnOpening open = g.opening(seat);
        SeatDecision d =
            s.decide(
                open,
                g.team(seat.teamId()),
                SeededRandom.of(seed, g.turn(), seat.hashCode(), SeededRandom.STREAM_BOT));
        double total = d.hours().values().stream().mapToDouble(Double::doubleValue).sum();
        // only adaptive gives overtime (a few hours when rested), never more than allowed
        double allowed = open.freeHours() + (name.equals("adaptive") ? open.maxOvertimeHours() : 0);
        assertTrue(total <= allowed + 1e-9, name + " booked " + total + " of " + allowed);
        assertTrue(d.hours().values().stream().allMatch(h -> h >= 0 && Double.isFinite(h)));
        Verdict<AcceptedDecision> v = g.validate(d);
        assertTrue(v.isAccepted(), () -> name + ": " + v);
        ds.add(v.value());
      }
      g = g.resolve(ds, List.of()).next();
    }
  }

  @Property(tries = 30)
  void sameGeneratorSameDecision(@ForAll("strategyNames") String name, @ForAll long seed) {
    Rules r = rules("market-year");
    Game g = Game.start(r, seed, List.of("red"));
    TurnOpening open = g.opening(new Seat("red", SeatHat.BOTH));
    SeatDecision a =
        Strategies.parse(name).decide(open, g.team("red"), SeededRandom.of(seed, 1, 0, 3));
    SeatDecision b =
        Strategies.parse(name).decide(open, g.team("red"), SeededRandom.of(seed, 1, 0, 3));
    assertEquals(a, b);
  }

  @Test
  void inTwoHatsBalancedSplitsTheRolesNumbersHasTwoManagersLeaderTwoLeaders() {
    Rules r = rules("two-hats");
    Game g = Game.start(r, 1, List.of("red"));
    TurnOpening leader = g.opening(new Seat("red", SeatHat.LEADER));
    TurnOpening manager = g.opening(new Seat("red", SeatHat.MANAGER));
    SeededRandom rnd = SeededRandom.of(1, 1, 0, 3);
    SeatDecision bl = Strategies.parse("balanced").decide(leader, g.team("red"), rnd);
    SeatDecision bm = Strategies.parse("balanced").decide(manager, g.team("red"), rnd);
    assertEquals(leader.freeHours(), total(bl), 1e-9);
    assertEquals(manager.freeHours(), total(bm), 1e-9);
    assertTrue(g.validate(bl).isAccepted() && g.validate(bm).isAccepted());
    assertEquals(
        leader.freeHours(), hours(r, bl, ActCategory.LEADERSHIP), 1e-9, "leader hat leads");
    assertEquals(
        manager.freeHours(), hours(r, bm, ActCategory.MANAGEMENT), 1e-9, "manager hat manages");
    for (SeatDecision d :
        List.of(
            Strategies.parse("numbers").decide(leader, g.team("red"), rnd),
            Strategies.parse("numbers").decide(manager, g.team("red"), rnd))) {
      assertEquals(0.0, hours(r, d, ActCategory.LEADERSHIP), 1e-9, "two managers");
    }
    for (SeatDecision d :
        List.of(
            Strategies.parse("leader").decide(leader, g.team("red"), rnd),
            Strategies.parse("leader").decide(manager, g.team("red"), rnd))) {
      assertEquals(0.0, hours(r, d, ActCategory.MANAGEMENT), 1e-9, "two leaders");
    }
    assertEquals(
        0.6 * leader.freeHours(),
        hours(
            r,
            Strategies.parse("static:0.3").decide(leader, g.team("red"), rnd),
            ActCategory.LEADERSHIP),
        1e-9);
  }

  private static double hours(Rules r, SeatDecision d, ActCategory kind) {
    return d.hours().entrySet().stream()
        .filter(e -> r.acts().get(r.actIndex(e.getKey())).kind() == kind)
        .mapToDouble(e -> e.getValue())
        .sum();
  }

  private static double total(SeatDecision d) {
    return d.hours().values().stream().mapToDouble(Double::doubleValue).sum();
  }
}

package org.quarterdeck.server.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Invalid decisions are rejected with a precise, typed reason; nothing is clamped or changed. */
class DecisionValidationTest {
  private final Rules rules = Fixtures.rules();
  private final Game game = Fixtures.solo(rules, 42);

  private Rejection rejected(SeatDecision d) {
    byte[] before = game.stateHash();
    Verdict<AcceptedDecision> v = game.validate(d);
    assertFalse(v.isAccepted(), "expected a rejection for " + d);
    assertArrayEquals(before, game.stateHash(), "validation must not change the game");
    return v.rejection().orElseThrow();
  }

  private SeatDecision hours(String act, double h) {
    Map<String, Double> m = new HashMap<>();
    m.put(act, h);
    return new SeatDecision(Fixtures.red(), 1, m, Map.of());
  }

  @Test
  void acceptsAValidDecisionAndKeepsTheHours() {
    Verdict<AcceptedDecision> v = game.validate(hours("coach", 20));
    assertTrue(v.isAccepted());
    assertEquals(20.0, v.value().hours(rules.actIndex("coach")));
    assertEquals(20.0, v.value().totalHours());
  }

  @Test
  void negativeHours() {
    Rejection r = rejected(hours("coach", -1));
    assertEquals(RejectionCode.NEGATIVE_HOURS, r.code());
    assertEquals("hours[coach]", r.field());
    assertTrue(r.message().contains("coach"));
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void nonFiniteHours(double h) {
    Rejection r = rejected(hours("push", h));
    assertEquals(RejectionCode.NON_FINITE_HOURS, r.code());
    assertEquals("hours[push]", r.field());
  }

  @Test
  void nullHours() {
    assertEquals(
        RejectionCode.NON_FINITE_HOURS,
        rejected(new SeatDecision(Fixtures.red(), 1, nullValued("push"), Map.of())).code());
  }

  private static Map<String, Double> nullValued(String key) {
    Map<String, Double> m = new HashMap<>();
    m.put(key, null);
    return m;
  }

  @Test
  void unknownAct() {
    Rejection r = rejected(hours("golf", 4));
    assertEquals(RejectionCode.UNKNOWN_ACT, r.code());
    assertTrue(r.message().contains("golf"));
  }

  @Test
  void moreHoursThanAvailableIsRejectedNotClamped() {
    TurnOpening open = game.opening(Fixtures.red());
    double tooMany = open.freeHours() + open.maxOvertimeHours() + 0.5;
    Rejection r = rejected(hours("push", tooMany));
    assertEquals(RejectionCode.OVER_BUDGET, r.code());
    assertTrue(
        game.validate(hours("push", tooMany - 0.5)).isAccepted(), "exactly the maximum is ok");
  }

  /**
   * The budget a decision is held to is exactly the one its seat's opening shows, at every turn of
   * every built-in scenario, for every hat (interruptions vary by team, turn and hat): the most
   * bookable hours pass, a millionth of an hour more is refused with the opening's figures, and a
   * default decision splits the opening's free hours.
   */
  @ParameterizedTest
  @ValueSource(strings = {"market-year", "company", "disruption", "two-hats"})
  void theBudgetIsTheOnesTheOpeningShowsAtEveryTurn(String scenario) throws Exception {
    Rules builtIn = org.quarterdeck.server.scenario.ScenarioCatalog.builtIn(scenario).rules();
    Game g = Game.start(builtIn, 7, List.of("red", "blue", "green"));
    int checked = 0;
    int interrupted = 0;
    while (!g.isOver()) {
      List<AcceptedDecision> pushed = new java.util.ArrayList<>();
      for (Seat seat : g.seats()) {
        TurnOpening open = g.opening(seat);
        String act = open.acts().get(0).id();
        double most = open.maxBookableHours();
        SeatDecision atMost = new SeatDecision(seat, g.turn(), Map.of(act, most), Map.of());
        Verdict<AcceptedDecision> accepted = g.validate(atMost);
        assertTrue(accepted.isAccepted(), seat + " turn " + g.turn() + ": " + accepted);
        Verdict<AcceptedDecision> over =
            g.validate(new SeatDecision(seat, g.turn(), Map.of(act, most + 1e-6), Map.of()));
        assertEquals(RejectionCode.OVER_BUDGET, over.rejection().orElseThrow().code());
        assertEquals(
            String.format(
                java.util.Locale.ROOT,
                "%.2f hours booked but only %.2f are available (%.2f free + %.2f overtime)",
                most + 1e-6,
                most,
                open.freeHours(),
                open.maxOvertimeHours()),
            over.rejection().orElseThrow().message());
        AcceptedDecision byDefault = g.defaultDecision(seat);
        for (int a = 0; a < builtIn.acts().size(); a++) {
          double expected =
              seat.hat().mayBook(builtIn.acts().get(a).kind())
                  ? builtIn.defaultShares[a] * open.freeHours()
                  : 0;
          assertEquals(expected, byDefault.hours(a), seat + " turn " + g.turn() + " act " + a);
        }
        pushed.add(accepted.value()); // all hours on one act: interruptions move turn by turn
        checked++;
        interrupted += open.interruptionHours() > 0 ? 1 : 0;
      }
      g = g.resolve(pushed, List.of()).next();
    }
    assertTrue(checked >= 12, "seat-turns checked: " + checked);
    assertTrue(interrupted > 0, "no seat-turn with interruptions: the free hours were the budget");
  }

  @Test
  void wrongTurn() {
    Rejection r = rejected(new SeatDecision(Fixtures.red(), 2, Map.of("push", 1.0), Map.of()));
    assertEquals(RejectionCode.WRONG_TURN, r.code());
    assertTrue(r.message().contains("turn 1"));
  }

  @Test
  void unknownTeamAndWrongHat() {
    assertEquals(
        RejectionCode.UNKNOWN_TEAM,
        rejected(new SeatDecision(new Seat("blue", SeatHat.BOTH), 1, Map.of(), Map.of())).code());
    assertEquals(
        RejectionCode.WRONG_HAT,
        rejected(new SeatDecision(new Seat("red", SeatHat.LEADER), 1, Map.of(), Map.of())).code());
  }

  @Test
  void dilemmaChoices() {
    Game atTurn3 = game;
    for (int t = 1; t < 3; t++) {
      atTurn3 = atTurn3.resolve(List.of(), List.of()).next();
    }
    Game g = atTurn3;
    Verdict<AcceptedDecision> ok =
        g.validate(new SeatDecision(Fixtures.red(), 3, Map.of(), Map.of("shade-report", "honest")));
    assertTrue(ok.isAccepted());
    assertEquals(
        RejectionCode.UNKNOWN_OPTION,
        g.validate(new SeatDecision(Fixtures.red(), 3, Map.of(), Map.of("shade-report", "lie")))
            .rejection()
            .orElseThrow()
            .code());
    assertEquals(
        RejectionCode.UNKNOWN_DILEMMA,
        g.validate(new SeatDecision(Fixtures.red(), 3, Map.of(), Map.of("blame", "own-it")))
            .rejection()
            .orElseThrow()
            .code(),
        "a dilemma of a later turn is not open yet");
    assertEquals(
        RejectionCode.UNKNOWN_DILEMMA,
        rejected(new SeatDecision(Fixtures.red(), 1, Map.of(), Map.of("nope", "x"))).code());
  }

  @Test
  void twoHatsEitherHatMayBookAnyActButOnlyTheLeaderAnswersDilemmas() {
    Rules hats = new Rules(Fixtures.scenario("two-hats"));
    Game g = Game.start(hats, 1, List.of("red"));
    Seat manager = new Seat("red", SeatHat.MANAGER);
    Seat leader = new Seat("red", SeatHat.LEADER);
    // model v2: the roles are agreed between the two players, so "two managers" is possible
    assertTrue(
        g.validate(new SeatDecision(manager, 1, Map.of("coach", 5.0), Map.of())).isAccepted());
    assertTrue(g.validate(new SeatDecision(leader, 1, Map.of("push", 5.0), Map.of())).isAccepted());
    assertEquals(
        RejectionCode.WRONG_HAT,
        g.validate(new SeatDecision(new Seat("red", SeatHat.BOTH), 1, Map.of(), Map.of()))
            .rejection()
            .orElseThrow()
            .code());
    assertTrue(g.opening(manager).dilemmas().isEmpty());
    assertEquals(hats.acts().size(), g.opening(manager).acts().size());
    assertEquals(hats.acts().size(), g.opening(leader).acts().size());
  }

  @Test
  void gameOverRejectsEverything() {
    Game g = game;
    while (!g.isOver()) {
      g = g.resolve(List.of(), List.of()).next();
    }
    Game over = g;
    assertEquals(
        RejectionCode.GAME_OVER, over.validate(hours("push", 1)).rejection().orElseThrow().code());
    assertThrows(IllegalStateException.class, () -> over.resolve(List.of(), List.of()));
  }

  @Test
  void resolveRefusesDecisionsOfAnotherTurnOrTwoPerSeat() {
    AcceptedDecision d = game.validate(hours("push", 10)).value();
    assertThrows(IllegalArgumentException.class, () -> game.resolve(List.of(d, d), List.of()));
    Game next = game.resolve(List.of(d), List.of()).next();
    assertThrows(IllegalArgumentException.class, () -> next.resolve(List.of(d), List.of()));
  }

  @Test
  void customInjectedEventsStayWithinScenarioBounds() {
    Verdict<AcceptedInjection> tooBig =
        game.validateInjection(
            InjectedEvent.custom(
                "Storm",
                "A storm hits.",
                List.of(new InjectedEvent.CustomEffect(Var.MORALE, -40)),
                List.of()));
    assertEquals(RejectionCode.EFFECT_OUT_OF_BOUNDS, tooBig.rejection().orElseThrow().code());
    Verdict<AcceptedInjection> notAllowed =
        game.validateInjection(
            InjectedEvent.custom(
                "Gift",
                "Free skills.",
                List.of(new InjectedEvent.CustomEffect(Var.CAPABILITY, 5)),
                List.of()));
    assertEquals(
        RejectionCode.VARIABLE_NOT_INJECTABLE, notAllowed.rejection().orElseThrow().code());
    assertEquals(
        RejectionCode.UNKNOWN_EVENT,
        game.validateInjection(InjectedEvent.fromDeck("meteor", List.of()))
            .rejection()
            .orElseThrow()
            .code());
    assertEquals(
        RejectionCode.UNKNOWN_TEAM,
        game.validateInjection(InjectedEvent.fromDeck("outage", List.of("blue")))
            .rejection()
            .orElseThrow()
            .code());
    assertEquals(
        RejectionCode.INCOMPLETE_EVENT,
        game.validateInjection(
                InjectedEvent.custom(
                    "", "x", List.of(new InjectedEvent.CustomEffect(Var.MORALE, 1)), List.of()))
            .rejection()
            .orElseThrow()
            .code());
  }
}

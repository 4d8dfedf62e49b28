package org.quarterdeck.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Given/when/then on single mechanisms of the turn, with chance switched off where it helps. */
class TurnDynamicsTest {
  private final Rules quiet = Fixtures.rules(Fixtures::quiet);

  private static double get(Game g, Var v) {
    return g.team("red").get(v);
  }

  @Test
  void servingReducesStressNextTurnNotThisTurn() {
    // given a team under pressure
    Game g = Fixtures.solo(quiet, 1);
    Game served = Fixtures.play(g, Map.of("serve", 40.0, "push", 60.0)).next();
    Game pushed = Fixtures.play(g, Map.of("push", 100.0)).next();
    // when the next turn is played the same way for both
    TurnOutcome servedNext = Fixtures.play(served, Map.of("push", 60.0));
    TurnOutcome pushedNext = Fixtures.play(pushed, Map.of("push", 60.0));
    // then the serving shows in the second turn, as a delayed effect of turn 1
    VariableDelta stress = servedNext.report("red").change(Var.STRESS).orElseThrow();
    Attribution relief =
        stress.contributions().stream()
            .filter(c -> c.label().equals("obstacles removed"))
            .findFirst()
            .orElseThrow();
    assertEquals(1, relief.originTurn(), "the relief comes from the serving of turn 1");
    assertTrue(relief.amount() < 0);
    assertTrue(stress.describe().contains("obstacles removed (turn 1)"), stress.describe());
    assertTrue(get(servedNext.next(), Var.STRESS) < get(pushedNext.next(), Var.STRESS));
  }

  @Test
  void challengingComplacencyDipsMoraleNowAndLowersComplacencyLater() {
    Game g = Fixtures.solo(quiet, 1);
    TurnOutcome first = Fixtures.play(g, Map.of("challenge", 40.0));
    TurnOutcome baseline = Fixtures.play(g, Map.of("push", 40.0));
    assertTrue(get(first.next(), Var.MORALE) < get(baseline.next(), Var.MORALE), "short dip");
    assertTrue(
        first
            .report("red")
            .change(Var.MORALE)
            .orElseThrow()
            .describe()
            .contains("uncomfortable questions"));
    TurnOutcome second = Fixtures.play(first.next(), Map.of("push", 40.0));
    TurnOutcome second0 = Fixtures.play(baseline.next(), Map.of("push", 40.0));
    assertTrue(
        get(second.next(), Var.COMPLACENCY) < get(second0.next(), Var.COMPLACENCY) - 5,
        "complacency falls the turn after");
  }

  @Test
  void missedTargetGrowsInterruptionsAndHitShrinksThem() {
    Game idle = Fixtures.solo(quiet, 1);
    Game hard = Fixtures.solo(quiet, 1);
    for (int t = 0; t < 3; t++) {
      idle =
          idle.resolve(
                  List.of(
                      Fixtures.accept(
                          idle, new SeatDecision(Fixtures.red(), idle.turn(), Map.of(), Map.of()))),
                  List.of())
              .next();
      hard = Fixtures.play(hard, Map.of("push", 80.0, "report", 20.0)).next();
    }
    assertFalse(idle.team("red").quarterResult(0) >= idle.team("red").quarterTarget(0));
    double base = quiet.scenario().getBudget().getBaseInterruptionHours();
    // the miss adds its hours, and the anxious boss adds report requests for every point of
    // confidence below 50 (shown in the report as its own cause)
    double anxious =
        quiet.scenario().getDynamics().getInterruptionsPerLowConfidence()
            * Math.max(0, 50 - get(idle, Var.BOSS_CONFIDENCE));
    assertEquals(
        base + quiet.scenario().getBudget().getInterruptionGrowthPerMiss() + anxious,
        get(idle, Var.INTERRUPTIONS),
        1e-9);
    assertTrue(
        idle.opening(Fixtures.red()).interruptionHours()
            > hard.opening(Fixtures.red()).interruptionHours());
    assertTrue(
        idle.opening(Fixtures.red()).freeHours() < hard.opening(Fixtures.red()).freeHours(),
        "interruptions squeeze the free hours");
    assertTrue(get(idle, Var.BOSS_CONFIDENCE) < get(hard, Var.BOSS_CONFIDENCE));
  }

  @Test
  void lowMoraleAndHighStressDriveAttrition() {
    Rules rules =
        Fixtures.rules(
            b -> {
              Fixtures.quiet(b);
              b.getDynamicsBuilder()
                  .setAttritionBase(0.005)
                  .setAttritionLowMorale(0.2)
                  .setAttritionHighStress(0.2);
              b.getStartBuilder().setHeadcount(100);
              return b;
            });
    double happyLeavers = 0;
    double unhappyLeavers = 0;
    for (long seed = 1; seed <= 10; seed++) {
      Game happy = Fixtures.solo(rules, seed);
      Game unhappy = happy;
      for (int t = 0; t < 4; t++) {
        TurnOutcome h = Fixtures.play(happy, Map.of("serve", 50.0, "coach", 50.0));
        happyLeavers -= sum(h.report("red"), "people left");
        happy = h.next();
        TurnOutcome u =
            unhappy.resolve(
                List.of(),
                List.of(
                    Fixtures.injected(unhappy, Var.MORALE, -15),
                    Fixtures.injected(unhappy, Var.STRESS, 15)));
        unhappyLeavers -= sum(u.report("red"), "people left");
        unhappy = u.next();
      }
    }
    assertTrue(
        unhappyLeavers > 3 * happyLeavers,
        "unhappy teams lose far more people: " + unhappyLeavers + " vs " + happyLeavers);
  }

  @Test
  void leaversAreReplacedLaterByLessCapableHires() {
    Rules rules =
        Fixtures.rules(
            b -> {
              Fixtures.quiet(b);
              b.getDynamicsBuilder().setAttritionBase(0.3);
              return b;
            });
    Game g = Fixtures.solo(rules, 3);
    TurnOutcome first = Fixtures.play(g, Map.of("push", 50.0));
    int leavers = 12 - (int) get(first.next(), Var.HEADCOUNT);
    assertTrue(leavers > 0);
    assertTrue(
        first.report("red").change(Var.HEADCOUNT).orElseThrow().describe().contains("people left"));
    TurnOutcome third = Fixtures.play(Fixtures.play(first.next(), Map.of()).next(), Map.of());
    assertTrue(
        third
            .report("red")
            .change(Var.HEADCOUNT)
            .orElseThrow()
            .describe()
            .contains("new hires arrive"),
        "hires arrive after the hiring delay of 2 turns");
    assertTrue(
        third
            .report("red")
            .change(Var.CAPABILITY)
            .orElseThrow()
            .describe()
            .contains("new hires still learning"));
  }

  @Test
  void missingDecisionGetsTheScenarioDefaultAndIsMarked() {
    Game g = Fixtures.solo(quiet, 1);
    TurnOutcome o = g.resolve(List.of(), List.of());
    assertEquals(List.of(Fixtures.red()), o.report("red").defaultedSeats());
    AcceptedDecision d = o.decisions().get(0);
    assertTrue(d.defaulted());
    double free = g.opening(Fixtures.red()).freeHours();
    assertEquals(0.2 * free, d.hours(quiet.actIndex("push")), 1e-9);
    assertEquals(free, d.totalHours(), 1e-9);
  }

  @Test
  void injectedDeckEventAppearsInTheReport() {
    Game g = Fixtures.solo(quiet, 1);
    AcceptedInjection outage =
        g.validateInjection(InjectedEvent.fromDeck("outage", List.of())).value();
    TurnOutcome o = g.resolve(List.of(), List.of(outage));
    assertTrue(
        o.report("red").events().stream()
            .anyMatch(e -> e.injected() && e.eventId().equals("outage")));
    assertTrue(o.report("red").change(Var.RESULTS).orElseThrow().describe().contains("outage"));
  }

  @Test
  void shadingTheReportHitsLaterWhenTheAuditFindsIt() {
    Game g = Fixtures.solo(quiet, 1);
    g = g.resolve(List.of(), List.of()).next().resolve(List.of(), List.of()).next();
    TurnOutcome shade =
        g.resolve(
            List.of(
                Fixtures.accept(
                    g,
                    new SeatDecision(
                        Fixtures.red(), 3, Map.of(), Map.of("shade-report", "shade")))),
            List.of());
    assertTrue(shade.report("red").dilemmaChoices().get(0).optionId().equals("shade"));
    Game later = shade.next();
    boolean audit = false;
    for (int t = 4; t <= 7; t++) {
      TurnOutcome o = later.resolve(List.of(), List.of());
      audit |=
          o.report("red")
              .change(Var.BOSS_CONFIDENCE)
              .map(
                  c ->
                      c.contributions().stream()
                          .anyMatch(
                              x ->
                                  x.label().equals("audit finds the shading")
                                      && x.originTurn() == 3))
              .orElse(false);
      later = o.next();
    }
    assertTrue(audit, "the consequence surfaces four turns later, traced to turn 3");
  }

  @Test
  void marketSharesFollowRelativeAttractiveness() {
    Rules rules = Fixtures.rules(Fixtures::quiet);
    Game g = Game.start(rules, 1, List.of("red", "blue"));
    // make red more attractive: a head start in adoption through leading change for a while
    for (int t = 0; t < 4; t++) {
      List<AcceptedDecision> ds =
          List.of(
              Fixtures.accept(
                  g,
                  new SeatDecision(
                      new Seat("red", SeatHat.BOTH),
                      g.turn(),
                      Map.of("change", 50.0, "coach", 40.0),
                      Map.of())),
              Fixtures.accept(
                  g,
                  new SeatDecision(
                      new Seat("blue", SeatHat.BOTH), g.turn(), Map.of("push", 90.0), Map.of())));
      g = g.resolve(ds, List.of()).next();
    }
    TurnOutcome o = g.resolve(List.of(), List.of());
    double red = sum(o.report("red"), "market share");
    double blue = sum(o.report("blue"), "market share");
    assertTrue(red > 0 && blue < 0, "red wins share, blue loses it: " + red + ", " + blue);
  }

  @Test
  void companyCulturePullsDepartmentsTogether() {
    Rules rules =
        Fixtures.rules(
            b -> {
              Fixtures.quiet(b);
              b.setMode(org.quarterdeck.protocol.v1.GameMode.GAME_MODE_COMPANY);
              b.getCompanyBuilder().setCultureCoupling(0.5).setSharedResultWeight(0.5);
              return b;
            });
    Game g = Game.start(rules, 1, List.of("red", "blue"));
    AcceptedInjection blow =
        g.validateInjection(
                InjectedEvent.custom(
                    "Reorg",
                    "Bad news",
                    List.of(new InjectedEvent.CustomEffect(Var.MORALE, -15)),
                    List.of("red")))
            .value();
    TurnOutcome o = g.resolve(List.of(), List.of(blow));
    assertTrue(sum(o.report("red"), "company culture") > 0);
    assertTrue(sum(o.report("blue"), "company culture") < 0);
  }

  private static double sum(TeamReport r, String label) {
    return r.changes().stream()
        .flatMap(c -> c.contributions().stream())
        .filter(c -> c.label().equals(label))
        .mapToDouble(Attribution::amount)
        .sum();
  }
}

package org.quarterdeck.server.engine;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.quarterdeck.protocol.v1.Scenario;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.scenario.ScenarioException;

/** Shared test data: the built-in scenarios and small helpers to play turns. */
final class Fixtures {
  private Fixtures() {}

  static Scenario scenario(String name) {
    try {
      return ScenarioCatalog.builtIn(name).scenario();
    } catch (ScenarioException e) {
      throw new AssertionError(e);
    }
  }

  static Rules rules() {
    return new Rules(scenario("market-year"));
  }

  /** market-year with changes, e.g. no noise or events, to isolate one mechanism. */
  static Rules rules(UnaryOperator<Scenario.Builder> change) {
    return new Rules(change.apply(scenario("market-year").toBuilder()).build());
  }

  /** market-year without chance: no deck, no incidents, no noise, no attrition, no stalls. */
  static Scenario.Builder quiet(Scenario.Builder b) {
    b.setDeckDrawChance(0);
    b.getDynamicsBuilder()
        .setOutputNoise(0)
        .setIncidentChance(0)
        .setAttritionBase(0)
        .setAttritionLowMorale(0)
        .setAttritionHighStress(0)
        .setStallChance(0);
    return b;
  }

  static Game solo(Rules rules, long seed) {
    return Game.start(rules, seed, List.of("red"));
  }

  static Seat red() {
    return new Seat("red", SeatHat.BOTH);
  }

  static AcceptedDecision accept(Game game, SeatDecision d) {
    Verdict<AcceptedDecision> v = game.validate(d);
    if (!v.isAccepted()) {
      throw new AssertionError("rejected: " + v.rejection().orElseThrow());
    }
    return v.value();
  }

  /** A checked custom event for every team. */
  static AcceptedInjection injected(Game game, Var var, double amount) {
    return game.validateInjection(
            InjectedEvent.custom(
                "test event",
                "injected by a test",
                List.of(new InjectedEvent.CustomEffect(var, amount)),
                List.of()))
        .value();
  }

  /** Plays one turn for the only team with these hours. */
  static TurnOutcome play(Game game, Map<String, Double> hours) {
    SeatDecision d = new SeatDecision(red(), game.turn(), hours, Map.of());
    return game.resolve(List.of(accept(game, d)), List.of());
  }

  /** Spreads {@code hours} evenly over the acts of one kind. */
  static Map<String, Double> spread(Rules rules, ActCategory kind, double hours) {
    java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
    long n = rules.acts().stream().filter(a -> a.kind() == kind).count();
    for (Act a : rules.acts()) {
      if (a.kind() == kind) {
        m.put(a.id(), hours / n);
      }
    }
    return m;
  }
}

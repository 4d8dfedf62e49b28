package org.quarterdeck.server.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.TurnReport;
import org.quarterdeck.server.bot.BotPlayer;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.bot.Strategy;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.AcceptedInjection;
import org.quarterdeck.server.engine.Game;
import org.quarterdeck.server.engine.InjectedEvent;
import org.quarterdeck.server.engine.Rules;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.engine.TeamReport;
import org.quarterdeck.server.engine.TurnOutcome;
import org.quarterdeck.server.engine.Var;
import org.quarterdeck.server.scenario.ScenarioCatalog;

/**
 * The turn close builds reports straight from the engine's ledger ({@link TurnReports}); a player
 * must get exactly the bytes the report built from the engine's {@link TeamReport} gave before.
 * Whole games of every built-in scenario, several sizes and seeds, bots of every kind, seats left
 * to the default, deck events and custom events injected for some teams.
 */
class TurnReportsTest {
  private static final List<String> STRATEGIES =
      List.of("numbers", "leader", "balanced", "adaptive", "random");

  @Test
  void everyReportIsByteForByteTheOneBuiltFromTheEnginesReport() throws Exception {
    int compared = 0;
    int withContributions = 0;
    int withInjected = 0;
    for (String scenario : ScenarioCatalog.builtInNames()) {
      Rules rules = ScenarioCatalog.builtIn(scenario).rules();
      for (int teams : new int[] {1, 2, 7, 60}) {
        for (long seed : new long[] {1, 42, 20261202}) {
          List<String> ids = new ArrayList<>();
          for (int t = 0; t < teams; t++) {
            ids.add("team-" + (t + 1));
          }
          Game game = Game.start(rules, seed, ids);
          TurnReports direct = new TurnReports();
          while (!game.isOver()) {
            TurnOutcome outcome = game.resolve(decisions(game), injections(game, ids));
            List<TeamReport> reports = outcome.reports();
            assertEquals(reports.size(), outcome.teamCount());
            for (int team = 0; team < reports.size(); team++) {
              TurnReport expected = WireMapping.report(reports.get(team), team);
              TurnReport actual = direct.report(outcome, team).build();
              String where =
                  scenario
                      + ", "
                      + teams
                      + " teams, seed "
                      + seed
                      + ", turn "
                      + outcome.turn()
                      + ", team "
                      + team;
              assertArrayEquals(expected.toByteArray(), actual.toByteArray(), where);
              assertEquals(expected, actual, where);
              compared++;
              withContributions +=
                  actual.getChangesList().stream().anyMatch(c -> c.getContributionsCount() > 1)
                      ? 1
                      : 0;
              withInjected +=
                  actual.getEventsList().stream().anyMatch(e -> e.getInjected()) ? 1 : 0;
            }
            game = outcome.next();
          }
        }
      }
    }
    // the comparison covered what it is about: merged contributions and both kinds of event
    assertTrue(compared > 1000, "reports compared: " + compared);
    assertTrue(withContributions > compared / 2, "with contributions: " + withContributions);
    assertTrue(withInjected > 0, "with injected events: " + withInjected);
  }

  /** Bots of every kind decide; every fifth seat is left to the scenario's default. */
  private static List<AcceptedDecision> decisions(Game game) {
    List<AcceptedDecision> out = new ArrayList<>();
    List<Seat> seats = game.seats();
    for (int i = 0; i < seats.size(); i++) {
      if ((i + game.turn()) % 5 == 0) {
        continue;
      }
      Strategy bot = Strategies.parse(STRATEGIES.get((i + game.turn()) % STRATEGIES.size()));
      var verdict = game.validate(BotPlayer.propose(game, seats.get(i), bot));
      if (verdict.isAccepted()) {
        out.add(verdict.value());
      }
    }
    return out;
  }

  /** Every third turn a deck event for the first team, a custom one for all, one for the last. */
  private static List<AcceptedInjection> injections(Game game, List<String> ids) {
    if (game.turn() % 3 != 0) {
      return List.of();
    }
    List<AcceptedInjection> out = new ArrayList<>();
    Rules rules = game.rules();
    if (!rules.events().isEmpty()) {
      String card = rules.events().get(game.turn() % rules.events().size()).id();
      add(out, game, InjectedEvent.fromDeck(card, List.of(ids.get(0))));
    }
    add(
        out,
        game,
        InjectedEvent.custom(
            "Audit",
            "The board asks questions.",
            List.of(
                new InjectedEvent.CustomEffect(Var.MORALE, -2.5),
                new InjectedEvent.CustomEffect(Var.TRUST, 1.0)),
            List.of()));
    add(
        out,
        game,
        InjectedEvent.custom(
            "Windfall",
            "",
            List.of(new InjectedEvent.CustomEffect(Var.RESULTS, 3.0)),
            List.of(ids.get(ids.size() - 1))));
    return out;
  }

  private static void add(List<AcceptedInjection> out, Game game, InjectedEvent event) {
    var verdict = game.validateInjection(event);
    if (verdict.isAccepted()) {
      out.add(verdict.value());
    }
  }
}

package org.quarterdeck.server.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.Standing;
import org.quarterdeck.protocol.v1.TeamView;
import org.quarterdeck.protocol.v1.TurnReport;
import org.quarterdeck.protocol.v1.TurnResolved;
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

  /**
   * The bytes made around a report's own bytes are the envelope's own serialization, whatever the
   * turn and the team view hold (turn 0 writes no field, a missing team view none); an envelope
   * with anything else in it, or no report bytes, gives null (the codec then serializes it).
   */
  @Test
  void anEnvelopeMadeAroundItsReportsBytesIsTheEnvelopesOwnBytes() throws Exception {
    Rules rules = ScenarioCatalog.builtIn("market-year").rules();
    Game game = Game.start(rules, 7, List.of("team-1", "team-2"));
    TurnOutcome outcome = game.resolve(decisions(game), List.of());
    TurnReport report = new TurnReports().report(outcome, 1).build();
    TeamView team = TeamView.newBuilder().setName("x".repeat(300)).build();
    for (int turn : new int[] {0, 1, 300}) {
      for (boolean withTeam : new boolean[] {false, true}) {
        TurnResolved.Builder resolved =
            TurnResolved.newBuilder()
                .setTurn(turn)
                .setReport(report)
                .addStandings(Standing.newBuilder().setTeam(1).setName("b").setScore(2.5))
                .setStateHash("ab".repeat(32));
        if (withTeam) {
          resolved.setTeam(team);
        }
        ServerMessage envelope = ServerMessage.newBuilder().setTurnResolved(resolved).build();
        String where = "turn " + turn + ", team view " + withTeam;
        assertEquals(
            envelope.toByteString(),
            TurnReports.envelopeAround(envelope, report.toByteString()),
            where);
        ServerMessage answer = envelope.toBuilder().setRequestId(5).build();
        assertNull(TurnReports.envelopeAround(answer, report.toByteString()), where);
        assertNull(TurnReports.envelopeAround(envelope, null), where);
      }
    }
  }

  /**
   * {@link TurnReports#envelopeAround} writes TurnResolved's fields before and after the report by
   * name: a field added to the message must be added there (this fails until it is).
   */
  @Test
  void turnResolvedHasTheFieldsTheEnvelopeIsMadeOf() {
    List<String> fields = new ArrayList<>();
    for (com.google.protobuf.Descriptors.FieldDescriptor f :
        TurnResolved.getDescriptor().getFields()) {
      fields.add(f.getNumber() + " " + f.getName());
    }
    assertEquals(List.of("1 turn", "2 team", "3 report", "4 standings", "5 state_hash"), fields);
  }
}

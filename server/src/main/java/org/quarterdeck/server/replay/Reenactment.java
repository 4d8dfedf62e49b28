package org.quarterdeck.server.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quarterdeck.protocol.v1.EventView;
import org.quarterdeck.protocol.v1.InjectEvent;
import org.quarterdeck.protocol.v1.ReplayFrame;
import org.quarterdeck.protocol.v1.TeamDecision;
import org.quarterdeck.protocol.v1.TeamView;
import org.quarterdeck.protocol.v1.TurnReport;
import org.quarterdeck.protocol.v1.WhatIfChange;
import org.quarterdeck.server.bot.BotPlayer;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.bot.Strategy;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.AcceptedInjection;
import org.quarterdeck.server.engine.Game;
import org.quarterdeck.server.engine.ModelVersion;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.engine.TeamReport;
import org.quarterdeck.server.engine.TurnOutcome;
import org.quarterdeck.server.engine.Verdict;
import org.quarterdeck.server.scenario.LoadedScenario;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.scenario.ScenarioException;
import org.quarterdeck.server.wire.WireMapping;

/**
 * Plays a session's timeline again through the engine alone, turn by turn, producing replay frames;
 * optionally with some teams' decisions changed from a turn on (what-if). The real log is only
 * read, never changed.
 */
public final class Reenactment {
  private final Timeline timeline;
  private final LoadedScenario scenario;

  /** A timeline that cannot be played again (its scenario no longer loads, or a hash differs). */
  public static final class ReenactmentException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReenactmentException(String message) {
      super(message);
    }
  }

  public Reenactment(Timeline timeline) throws ReenactmentException {
    this.timeline = timeline;
    // another model would reach other states: refuse by name rather than on a hash mismatch
    String refusal = ModelVersion.refusal(timeline.opened().getModelVersion());
    if (refusal != null) {
      throw new ReenactmentException(refusal);
    }
    try {
      this.scenario =
          ScenarioCatalog.forLog(
              timeline.opened().getScenarioSource(),
              timeline.opened().getScenarioText(),
              timeline.opened().getScenarioSha256());
    } catch (ScenarioException e) {
      throw new ReenactmentException("the logged scenario does not load: " + e.getMessage());
    }
  }

  /** The recorded session, frame by frame; fails if a recorded state hash is not reached. */
  public List<ReplayFrame> actual() throws ReenactmentException {
    return play(List.of(), Integer.MAX_VALUE, true);
  }

  /** The session as it would have gone with {@code changes} applied from {@code fromTurn}. */
  public List<ReplayFrame> whatIf(int fromTurn, List<WhatIfChange> changes)
      throws ReenactmentException {
    return play(changes, fromTurn, false);
  }

  private List<ReplayFrame> play(List<WhatIfChange> changes, int fromTurn, boolean checkHashes)
      throws ReenactmentException {
    List<String> teamIds = timeline.opened().getTeamIdsList();
    Game game;
    try {
      game = Game.start(scenario.rules(), timeline.opened().getSeed(), teamIds);
    } catch (IllegalArgumentException e) {
      // a damaged or hand-edited SessionOpened (no teams, repeated ids): found by fuzzing
      throw new ReenactmentException("the logged session does not start: " + e.getMessage());
    }
    List<ReplayFrame> frames = new ArrayList<>();
    for (Timeline.Turn turn : timeline.turns()) {
      if (game.isOver()) {
        break;
      }
      List<AcceptedDecision> decisions = new ArrayList<>();
      List<TeamDecision> shown = new ArrayList<>();
      for (Seat seat : game.seats()) {
        int team = teamIds.indexOf(seat.teamId());
        org.quarterdeck.protocol.v1.Hat hat = WireMapping.hat(seat.hat());
        org.quarterdeck.protocol.v1.Decision wire =
            decisionFor(game, seat, team, turn, changes, fromTurn);
        if (wire == null) {
          shown.add(
              TeamDecision.newBuilder()
                  .setTeam(team)
                  .setHat(hat)
                  .setDecision(WireMapping.decision(game.defaultDecision(seat), game))
                  .setDefaulted(true)
                  .build());
          continue;
        }
        Verdict<AcceptedDecision> verdict =
            game.validate(WireMapping.decision(seat, game.turn(), wire));
        if (!verdict.isAccepted()) {
          throw new ReenactmentException(
              "turn " + game.turn() + ", team " + team + ": " + verdict.rejection().orElseThrow());
        }
        decisions.add(verdict.value());
        shown.add(TeamDecision.newBuilder().setTeam(team).setHat(hat).setDecision(wire).build());
      }
      List<AcceptedInjection> injections = new ArrayList<>();
      for (InjectEvent e : turn.injections()) {
        injections.add(injection(game, e, teamIds));
      }
      TurnOutcome outcome = game.resolve(decisions, injections);
      game = outcome.next();
      if (checkHashes && !game.stateHashHex().equals(turn.stateHash())) {
        throw new ReenactmentException(
            "turn "
                + turn.number()
                + " reaches state "
                + game.stateHashHex()
                + " but the log recorded "
                + turn.stateHash());
      }
      frames.add(frame(outcome, game, shown, teamIds));
    }
    return frames;
  }

  private org.quarterdeck.protocol.v1.Decision decisionFor(
      Game game,
      Seat seat,
      int team,
      Timeline.Turn turn,
      List<WhatIfChange> changes,
      int fromTurn) {
    if (game.turn() >= fromTurn) {
      for (WhatIfChange change : changes) {
        if (change.getTeam() != team
            || (change.getTurnsCount() > 0 && !change.getTurnsList().contains(game.turn()))) {
          continue;
        }
        if (change.hasDecision()) {
          return change.getDecision();
        }
        Strategy bot = Strategies.parse(change.getBotStrategy());
        return WireMapping.decision(BotPlayer.propose(game, seat, bot));
      }
    }
    Timeline.Seated seated =
        turn.decisions().get(new Timeline.SeatKey(team, WireMapping.hat(seat.hat())));
    return seated == null ? null : seated.decision();
  }

  private static AcceptedInjection injection(Game game, InjectEvent e, List<String> teamIds)
      throws ReenactmentException {
    Verdict<AcceptedInjection> verdict;
    try {
      verdict = game.validateInjection(WireMapping.injectedEvent(e, teamIds));
    } catch (IllegalArgumentException refused) {
      throw new ReenactmentException("injected event refused: " + refused.getMessage());
    }
    if (!verdict.isAccepted()) {
      throw new ReenactmentException(
          "injected event refused: " + verdict.rejection().orElseThrow());
    }
    return verdict.value();
  }

  private static ReplayFrame frame(
      TurnOutcome outcome, Game after, List<TeamDecision> decisions, List<String> teamIds) {
    ReplayFrame.Builder f =
        ReplayFrame.newBuilder()
            .setTurn(outcome.turn())
            .setStateHash(after.stateHashHex())
            .addAllDecisions(decisions);
    Map<String, EventView> events = new LinkedHashMap<>();
    for (TeamReport r : outcome.reports()) {
      int team = teamIds.indexOf(r.teamId());
      TurnReport.Builder report = WireMapping.report(r, team).toBuilder();
      for (TeamDecision d : decisions) {
        if (d.getTeam() == team) {
          report.setDecision(report.getDecision().toBuilder().mergeFrom(d.getDecision()));
        }
      }
      f.addReports(report);
      report.getEventsList().forEach(e -> events.putIfAbsent(e.getId() + "|" + e.getTitle(), e));
      f.addTeams(
          WireMapping.quarters(
              TeamView.newBuilder()
                  .setTeam(team)
                  .setName("Team " + (team + 1))
                  .addAllVariables(WireMapping.variables(after.team(r.teamId()))),
              after.team(r.teamId())));
    }
    f.addAllEvents(events.values());
    return f.build();
  }
}

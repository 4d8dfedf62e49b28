package org.quarterdeck.server.session;

import java.util.List;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.GetReplay;
import org.quarterdeck.protocol.v1.Replay;
import org.quarterdeck.protocol.v1.ReplayFrame;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.WhatIf;
import org.quarterdeck.protocol.v1.WhatIfChange;
import org.quarterdeck.protocol.v1.WhatIfResult;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.replay.Export;
import org.quarterdeck.server.replay.Redaction;
import org.quarterdeck.server.replay.Reenactment;
import org.quarterdeck.server.replay.Timeline;
import org.quarterdeck.server.wire.WireMapping;

/** Replay, what-if and export of a live or ended session, from the session's own records. */
final class ReplayRequests {
  private ReplayRequests() {}

  static void replay(GameSession s, Connection c, long rid, Member member, GetReplay request) {
    if (!request.getSessionId().isEmpty() && !request.getSessionId().equals(s.id())) {
      s.error(c, rid, ErrorCode.PERMISSION_DENIED, "this connection belongs to session " + s.id());
      return;
    }
    List<ReplayFrame> frames;
    try {
      frames = new Reenactment(Timeline.of(s.records())).actual();
    } catch (Reenactment.ReenactmentException e) {
      s.error(c, rid, ErrorCode.INTERNAL, "the session does not replay: " + e.getMessage());
      return;
    }
    int from = request.getFromTurn() <= 0 ? 1 : request.getFromTurn();
    int to = request.getToTurn() <= 0 ? Integer.MAX_VALUE : request.getToTurn();
    frames = frames.stream().filter(f -> f.getTurn() >= from && f.getTurn() <= to).toList();
    if (member.role != Role.FACILITATOR) {
      frames = Redaction.forTeam(frames, member.seat == null ? -1 : member.seat.team);
    }
    Replay.Builder replay =
        Replay.newBuilder()
            .setSessionId(s.id())
            .addAllFrames(frames)
            .setTurnsPerQuarter(s.game().rules().turnsPerQuarter());
    s.game().rules().acts().forEach(a -> replay.addActs(WireMapping.act(a)));
    s.game().rules().dilemmas().forEach(d -> replay.addDilemmas(WireMapping.dilemma(d)));
    for (int t = 0; t < s.teamCount(); t++) {
      replay.addTeams(s.views().team(t).toBuilder().clearVariables());
    }
    s.reply(c, rid, ServerMessage.newBuilder().setReplay(replay));
  }

  static void whatIf(GameSession s, Connection c, long rid, Member member, WhatIf request) {
    if (member.role != Role.FACILITATOR) {
      s.error(c, rid, ErrorCode.PERMISSION_DENIED, "only the facilitator runs what-ifs");
      return;
    }
    Timeline timeline = Timeline.of(s.records());
    int closed = timeline.turns().size();
    if (request.getFromTurn() < 1 || request.getFromTurn() > Math.max(1, closed)) {
      s.error(
          c,
          rid,
          ErrorCode.INVALID_ARGUMENT,
          "from_turn must be 1.."
              + Math.max(1, closed)
              + " (turns played so far), was "
              + request.getFromTurn());
      return;
    }
    for (WhatIfChange change : request.getChangesList()) {
      if (change.getTeam() < 0 || change.getTeam() >= s.teamCount()) {
        s.error(c, rid, ErrorCode.INVALID_ARGUMENT, "what_if.changes: no team " + change.getTeam());
        return;
      }
      if (!change.hasDecision() && change.getBotStrategy().isEmpty()) {
        s.error(
            c,
            rid,
            ErrorCode.INVALID_ARGUMENT,
            "what_if.changes: give a decision or a bot_strategy for team " + change.getTeam());
        return;
      }
      if (!change.hasDecision()) {
        try {
          Strategies.parse(change.getBotStrategy());
        } catch (IllegalArgumentException e) {
          s.error(c, rid, ErrorCode.INVALID_ARGUMENT, "what_if.changes: " + e.getMessage());
          return;
        }
      }
    }
    try {
      Reenactment reenactment = new Reenactment(timeline);
      s.reply(
          c,
          rid,
          ServerMessage.newBuilder()
              .setWhatIfResult(
                  WhatIfResult.newBuilder()
                      .addAllActual(reenactment.actual())
                      .addAllCounterfactual(
                          reenactment.whatIf(request.getFromTurn(), request.getChangesList()))));
    } catch (Reenactment.ReenactmentException e) {
      s.error(c, rid, ErrorCode.INVALID_ARGUMENT, "what-if refused: " + e.getMessage());
    }
  }

  static String export(GameSession s, SessionManager.ExportFormat format)
      throws Reenactment.ReenactmentException {
    List<SessionRecord> records = s.records();
    List<ReplayFrame> frames = new Reenactment(Timeline.of(records)).actual();
    return switch (format) {
      case CSV -> Export.csv(s.id(), frames, s.game().rules().acts());
      case JSON -> Export.json(s.id(), frames, records);
    };
  }
}

package org.quarterdeck.server.session;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Optional;
import org.quarterdeck.protocol.v1.FinalScore;
import org.quarterdeck.protocol.v1.QuarterClosed;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionEnded;
import org.quarterdeck.protocol.v1.Standing;
import org.quarterdeck.protocol.v1.TurnResolved;
import org.quarterdeck.protocol.v1.Variable;
import org.quarterdeck.server.engine.Debrief;
import org.quarterdeck.server.engine.QuarterResult;
import org.quarterdeck.server.engine.TurnOutcome;
import org.quarterdeck.server.wire.TurnReports;

/**
 * The pushes that follow a resolved turn and the end of a session, filtered per member: a player
 * hears about their own team and the public standings, the facilitator about every team.
 */
final class Announcements {
  private Announcements() {}

  /**
   * TurnResolved (and QuarterClosed when a quarter ended) to every member. Each distinct view is
   * built once and the same message goes to everyone who sees it: the public one to the
   * facilitator, spectators and unseated players, a team's own one to each of its people. A team's
   * one leaves as bytes made once, around the report's bytes the session keeps for its history: the
   * report is not serialized again, nor the message once per person.
   */
  static void turnClosed(GameSession session, TurnOutcome outcome) {
    List<Standing> standings = session.views().standings();
    String hash = session.game().stateHashHex();
    Optional<List<QuarterResult>> quarter = outcome.quarterClosed();
    ServerMessage[] publicView = new ServerMessage[2];
    ServerMessage[][] teamViews = new ServerMessage[session.teamCount()][];
    ByteString[] teamBytes = new ByteString[session.teamCount()];
    session.forEachMember(
        m -> {
          ServerMessage[] messages;
          if (m.role == Role.PLAYER && m.seat != null) {
            int team = m.seat.team;
            messages = teamViews[team];
            if (messages == null) {
              messages = teamViews[team] = new ServerMessage[2];
              TurnResolved.Builder resolved =
                  resolved(outcome, standings, hash)
                      .setTeam(session.views().team(team))
                      .setReport(session.latestReport(team));
              messages[0] = ServerMessage.newBuilder().setTurnResolved(resolved).build();
              teamBytes[team] =
                  TurnReports.envelopeAround(messages[0], session.latestReportBytes(team));
              if (quarter.isPresent()) {
                QuarterResult q = quarter.get().get(team);
                messages[1] =
                    ServerMessage.newBuilder()
                        .setQuarterClosed(
                            quarterClosed(quarter.get(), standings)
                                .setTarget(q.target())
                                .setResults(q.results())
                                .setTargetMet(q.hit()))
                        .build();
              }
            }
          } else {
            messages = publicView;
            if (messages[0] == null) {
              messages[0] =
                  ServerMessage.newBuilder()
                      .setTurnResolved(resolved(outcome, standings, hash))
                      .build();
              if (quarter.isPresent()) {
                messages[1] =
                    ServerMessage.newBuilder()
                        .setQuarterClosed(quarterClosed(quarter.get(), standings))
                        .build();
              }
            }
          }
          session.send(m, messages[0], messages == publicView ? null : teamBytes[m.seat.team]);
          if (messages[1] != null) {
            session.send(m, messages[1]);
          }
        });
  }

  private static TurnResolved.Builder resolved(
      TurnOutcome outcome, List<Standing> standings, String hash) {
    return TurnResolved.newBuilder()
        .setTurn(outcome.turn())
        .addAllStandings(standings)
        .setStateHash(hash);
  }

  private static QuarterClosed.Builder quarterClosed(
      List<QuarterResult> quarter, List<Standing> standings) {
    return QuarterClosed.newBuilder()
        .setQuarter(quarter.get(0).quarter())
        .addAllStandings(standings);
  }

  static void ended(GameSession session) {
    // once, not once per member: a room of 60 has 60 members
    FinalScores scores = new FinalScores(session, bots(session));
    session.forEachMember(
        m ->
            session.send(m, ServerMessage.newBuilder().setSessionEnded(ended(session, m, scores))));
  }

  /** The end of the game as one member may see it: every score, parts and lines of their own. */
  static SessionEnded ended(GameSession session, Member m) {
    return ended(session, m, new FinalScores(session, bots(session)));
  }

  /**
   * Each team's final score as the members of one ending see it, built on first use and then the
   * same message for everyone: with its parts (for the facilitator and the team's own people) or
   * without them (for everyone else).
   */
  private static final class FinalScores {
    private final GameSession session;
    private final boolean[] bots;
    private final FinalScore[] withParts;
    private final FinalScore[] bare;

    FinalScores(GameSession session, boolean[] bots) {
      this.session = session;
      this.bots = bots;
      this.withParts = new FinalScore[bots.length];
      this.bare = new FinalScore[bots.length];
    }

    FinalScore of(int t, boolean parts) {
      FinalScore[] kept = parts ? withParts : bare;
      if (kept[t] == null) {
        org.quarterdeck.server.engine.TeamScore s = session.finalScores().get(t);
        FinalScore.Builder score =
            FinalScore.newBuilder()
                .setTeam(t)
                .setName(session.teamName(t))
                .setScore(s.score())
                .setBot(bots[t]);
        if (parts) {
          score
              .addParts(part("results", s.results()))
              .addParts(part("morale", s.morale()))
              .addParts(part("capability", s.capability()))
              .addParts(part("adoption", s.adoption()))
              .addParts(part("integrity", s.integrity()));
        }
        kept[t] = score.build();
      }
      return kept[t];
    }
  }

  /** Which teams only bots played. */
  private static boolean[] bots(GameSession session) {
    boolean[] bots = new boolean[session.teamCount()];
    for (int t = 0; t < bots.length; t++) {
      bots[t] = session.views().team(t).getBot();
    }
    return bots;
  }

  private static SessionEnded ended(GameSession session, Member m, FinalScores finalScores) {
    Debrief debrief = session.game().debrief();
    List<org.quarterdeck.server.engine.TeamScore> scores = session.finalScores();
    int own = m.role == Role.PLAYER && m.seat != null ? m.seat.team : -1;
    boolean all = m.role == Role.FACILITATOR;
    SessionEnded.Builder ended = SessionEnded.newBuilder();
    if (!debrief.lesson().isEmpty()) {
      ended.addDebrief(debrief.lesson());
    }
    for (int t = 0; t < scores.size(); t++) {
      boolean parts = all || t == own;
      if (parts) {
        String teamId = scores.get(t).teamId();
        String prefix = all ? session.teamName(t) + ": " : "";
        for (Debrief.TeamSummary summary : debrief.teams()) {
          if (summary.teamId().equals(teamId)) {
            for (String line : summary.lines()) {
              ended.addDebrief(prefix + line);
            }
          }
        }
      }
      ended.addScores(finalScores.of(t, parts));
    }
    return ended.build();
  }

  private static Variable part(String name, double value) {
    return Variable.newBuilder().setName(name).setLabel(name).setValue(value).build();
  }
}

package org.quarterdeck.server.session;

import java.util.List;
import org.quarterdeck.protocol.v1.ClockChanged;
import org.quarterdeck.protocol.v1.DecisionRecorded;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.protocol.v1.SeatRef;
import org.quarterdeck.protocol.v1.SeatReleased;
import org.quarterdeck.protocol.v1.SessionOpened;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.engine.ModelVersion;
import org.quarterdeck.server.scenario.LoadedScenario;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.scenario.ScenarioException;
import org.quarterdeck.server.wire.WireMapping;

/**
 * Rebuilds a session by applying its records as facts (a seat was taken, a decision was recorded, a
 * turn started or closed) through the engine, checking every recorded state hash. Nothing is
 * decided again: bots' and players' decisions come from the log, so a rule tightened since never
 * refuses an old log. A log that does not replay exactly is refused with the reason; a log cut
 * short by a crash (after TurnClosed, before a bot's decision) is finished by {@link
 * GameSession#resumeAfterReplay}, which records what it does.
 */
final class SessionRebuilder {
  private SessionRebuilder() {}

  /** A log that cannot be replayed to the state it recorded. */
  static final class ReplayException extends Exception {
    private static final long serialVersionUID = 1L;

    ReplayException(String message) {
      super(message);
    }
  }

  /** The opening record of a log, checked. */
  static SessionOpened opened(List<SessionRecord> records) throws ReplayException {
    if (records.isEmpty() || !records.get(0).hasOpened()) {
      throw new ReplayException("the log does not start with SessionOpened");
    }
    return records.get(0).getOpened();
  }

  static LoadedScenario scenario(SessionOpened opened) throws ReplayException {
    try {
      return ScenarioCatalog.forLog(
          opened.getScenarioSource(), opened.getScenarioText(), opened.getScenarioSha256());
    } catch (ScenarioException e) {
      throw new ReplayException("the logged scenario no longer loads: " + e.getMessage());
    }
  }

  /**
   * Replays {@code records} into a new session that will append to {@code journal}; deadlines are
   * restored to their recorded times, so an open turn resumes with what was left of it.
   */
  static GameSession replay(
      List<SessionRecord> records,
      SessionManager.SessionThread thread,
      SessionJournal journal,
      Outbox outbox)
      throws ReplayException {
    GameSession session = replaying(records, thread.clock(), journal, outbox);
    applyAll(session, records);
    return session;
  }

  /**
   * Replays {@code records} once more with every turn's report built, for a session rebuilt without
   * them ({@link GameSession#reports}); the copy schedules nothing and is thrown away.
   */
  static GameSession replayWithReports(
      List<SessionRecord> records, SessionClock clock, SessionJournal journal, Outbox outbox)
      throws ReplayException {
    SessionClock noTimers =
        new SessionClock() {
          @Override
          public long nowMillis() {
            return clock.nowMillis();
          }

          @Override
          public Cancellable schedule(Runnable task, long delayMillis) {
            return () -> {};
          }
        };
    GameSession session = replaying(records, noTimers, journal, outbox);
    session.buildReportsWhileReplaying();
    applyAll(session, records);
    return session;
  }

  private static GameSession replaying(
      List<SessionRecord> records, SessionClock clock, SessionJournal journal, Outbox outbox)
      throws ReplayException {
    SessionOpened opened = opened(records);
    if (!GameSession.ENGINE_VERSION.equals(opened.getEngineVersion())) {
      throw new ReplayException(
          "the log was written by engine version "
              + opened.getEngineVersion()
              + ", this server runs "
              + GameSession.ENGINE_VERSION);
    }
    String refusal = ModelVersion.refusal(opened.getModelVersion());
    if (refusal != null) {
      throw new ReplayException(refusal);
    }
    GameSession session =
        new GameSession(
            opened.getSessionId(),
            opened.getJoinCode(),
            opened.getFacilitatorTokenHash(),
            opened.getOwner(),
            scenario(opened),
            opened.getSettings(),
            opened.getSeed(),
            clock,
            journal,
            outbox,
            () -> {},
            true);
    return session;
  }

  private static void applyAll(GameSession session, List<SessionRecord> records)
      throws ReplayException {
    for (int i = 1; i < records.size(); i++) {
      SessionRecord r = records.get(i);
      try {
        apply(session, r);
      } catch (RuntimeException e) {
        throw new ReplayException("record " + i + " (" + r.getEventCase() + ") fails: " + e);
      }
      String error = session.takeReplayError();
      if (error != null) {
        throw new ReplayException(
            "record " + i + " (" + r.getEventCase() + ") is refused: " + error);
      }
    }
    session.finishReplay(records);
  }

  private static void apply(GameSession s, SessionRecord r) throws ReplayException {
    switch (r.getEventCase()) {
      case OPENED -> throw new ReplayException("a second SessionOpened");
      case SEAT_TAKEN -> {
        SeatState seat = seat(s, r.getSeatTaken().getSeat());
        Member member = s.member(r.getSeatTaken().getTokenHash());
        if (member == null) {
          member =
              new Member(
                  Role.PLAYER, r.getSeatTaken().getTokenHash(), r.getSeatTaken().getDisplayName());
          s.addMember(member);
        }
        if (r.getSeatTaken().getCoPlayer()) {
          if (!seat.human()) {
            throw new ReplayException("a co-player joined the empty seat " + seat.ref());
          }
          CoPlayers.join(s, member, seat);
        } else {
          s.seatPlayer(member, seat);
        }
      }
      case SEAT_RELEASED -> {
        SeatReleased released = r.getSeatReleased();
        SeatState seat = seat(s, released.getSeat());
        if (!released.getTokenHash().isEmpty()) {
          // One person of a shared seat left; the seat stays with the others.
          Member person = s.member(released.getTokenHash());
          if (person == null || person.seat != seat) {
            throw new ReplayException("a person left " + seat.ref() + " who did not sit there");
          }
          if (released.getWhy() != SeatReleased.Why.MOVED) {
            s.removeMember(person);
          }
          CoPlayers.leave(s, person, released.getWhy());
          break;
        }
        if (seat.player != null && released.getWhy() != SeatReleased.Why.MOVED) {
          s.removeMember(seat.player);
        }
        s.releaseSeat(
            seat,
            released.getBotStrategy().isEmpty()
                ? null
                : Strategies.parse(released.getBotStrategy()),
            released.getWhy());
      }
      case SPECTATOR_ADMITTED -> {
        // Older logs admitted spectators; they are no longer restored (nobody is connected
        // after a restart, and a spectator who returns spectates again with the join code).
      }
      case TURN_STARTED -> {
        if (s.phase() == Phase.LOBBY) {
          s.openTurn();
        }
        if (s.game().turn() != r.getTurnStarted().getTurn()) {
          throw new ReplayException(
              "turn "
                  + r.getTurnStarted().getTurn()
                  + " started but the game is at turn "
                  + s.game().turn());
        }
        s.openingRecorded(r.getTurnStarted().getDeadlineMs());
      }
      case DECISION -> {
        if (s.phase() == Phase.LOBBY) {
          s.openTurn(); // the bots' decisions of turn 1 are recorded before its TurnStarted
        }
        DecisionRecorded d = r.getDecision();
        SeatState seat = seat(s, d.getSeat());
        if (!d.getBot() && seat.player == null) {
          throw new ReplayException("a decision for an empty seat " + d.getSeat());
        }
        if (d.getBot() && seat.player != null) {
          throw new ReplayException("a bot's decision for a seat a person holds " + d.getSeat());
        }
        s.applyRecordedDecision(seat, d);
      }
      case CLOCK -> {
        ClockChanged c = r.getClock();
        switch (c.getChange()) {
          case PAUSED -> {
            s.setPhase(Phase.PAUSED);
            s.deadline().restorePaused(c.getRemainingMs());
          }
          case RESUMED -> {
            s.setPhase(Phase.TURN_OPEN);
            s.deadline().runUntil(c.getDeadlineMs());
          }
          case SET -> s.deadline().runUntil(c.getDeadlineMs());
          case EXTENDED -> {
            if (s.phase() == Phase.PAUSED) {
              s.deadline().restorePaused(c.getRemainingMs());
            } else {
              s.deadline().runUntil(c.getDeadlineMs());
            }
          }
          default -> throw new ReplayException("unknown clock change " + c.getChange());
        }
      }
      case INJECTED -> s.commands().injectRecorded(r.getInjected().getEvent());
      case BROADCAST -> {}
      case TURN_CLOSED -> {
        if (s.game().turn() != r.getTurnClosed().getTurn()) {
          throw new ReplayException(
              "turn "
                  + r.getTurnClosed().getTurn()
                  + " closed but the game is at turn "
                  + s.game().turn());
        }
        s.closeTurn(r.getTurnClosed().getTrigger(), r.getTurnClosed().getStateHash());
      }
      case CLOSED -> {
        if (s.phase() != Phase.ENDED) {
          s.end(r.getClosed().getEarly());
        }
      }
      case EVENT_NOT_SET -> throw new ReplayException("an empty record");
    }
  }

  private static SeatState seat(GameSession s, SeatRef ref) throws ReplayException {
    SeatState seat =
        ref.getTeam() < 0 || ref.getTeam() >= s.teamCount()
            ? null
            : s.seat(ref.getTeam(), WireMapping.hat(ref.getHat()));
    if (seat == null) {
      throw new ReplayException("no seat " + ref);
    }
    return seat;
  }
}

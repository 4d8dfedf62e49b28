package org.quarterdeck.server.session;

import org.quarterdeck.protocol.v1.AssignSeat;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.EventView;
import org.quarterdeck.protocol.v1.FacilitatorAck;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.InjectEvent;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Joined;
import org.quarterdeck.protocol.v1.Left;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.protocol.v1.SeatRef;
import org.quarterdeck.protocol.v1.SeatReleased;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.bot.Strategy;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.AcceptedInjection;
import org.quarterdeck.server.engine.InjectedEvent;
import org.quarterdeck.server.engine.SeatHat;
import org.quarterdeck.server.engine.Verdict;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.wire.WireMapping;

/**
 * The commands people send to a session. Each checks who is asking, the phase and every field
 * first; a refusal is a typed error naming the request and changes nothing.
 */
final class SessionCommands {
  static final int MAX_NAME_CHARS = 40;
  static final int MAX_BROADCAST_CHARS = 500;
  static final int MAX_EXTEND_SECONDS = 3600;
  static final int MAX_EVENT_TEXT_CHARS = 500;

  private final GameSession session;

  /** Spectators admitted at once (SessionLimits.maxSpectatorsPerSession, set on registering). */
  private int maxSpectators = SessionLimits.DEFAULTS.maxSpectatorsPerSession();

  SessionCommands(GameSession session) {
    this.session = session;
  }

  /** Seats a new player: a free seat first, then one a bot holds; returns the member or null. */
  Member join(Connection c, long rid, JoinSession join, String token) {
    String name = join.getDisplayName().strip();
    if (name.isEmpty() || name.length() > MAX_NAME_CHARS || hasControl(name)) {
      session.error(
          c,
          rid,
          ErrorCode.INVALID_ARGUMENT,
          "display_name must be 1.." + MAX_NAME_CHARS + " printable characters");
      return null;
    }
    if (session.phase() == Phase.ENDED) {
      session.error(c, rid, ErrorCode.WRONG_PHASE, "the session has ended");
      return null;
    }
    // absent means any free seat: in JSON an omitted number would otherwise read as team 0
    int preferred = join.hasPreferredTeam() ? join.getPreferredTeam() : -1;
    if (preferred >= session.teamCount() || preferred < -1) {
      session.error(
          c,
          rid,
          ErrorCode.INVALID_ARGUMENT,
          "join_session.preferred_team",
          "preferred_team must be absent, -1 or 0.."
              + (session.teamCount() - 1)
              + ", was "
              + preferred);
      return null;
    }
    SeatState seat = freeSeat(preferred);
    SeatState shared = seat == null ? CoPlayers.seatWithRoom(session, preferred) : null;
    if (seat == null && shared == null) {
      if (preferred < 0) {
        // Everyone who came still takes part: as a spectator once every seat is full.
        Member spectator = spectate(c, rid, token);
        if (spectator != null) {
          welcomeSpectator(c, rid, spectator, token);
        }
        return spectator;
      }
      session.error(c, rid, ErrorCode.WRONG_PHASE, "every seat of team " + preferred + " is taken");
      return null;
    }
    Member player = new Member(Role.PLAYER, Tokens.hash(token), name);
    player.connection = c;
    player.lastSeenMs = session.clock().nowMillis();
    session.addMember(player);
    if (seat != null) {
      session.seatPlayer(player, seat);
    } else {
      CoPlayers.join(session, player, shared);
      seat = shared;
    }
    session.reply(
        c,
        rid,
        ServerMessage.newBuilder()
            .setJoined(
                Joined.newBuilder()
                    .setSessionId(session.id())
                    .setRole(Role.PLAYER)
                    .setToken(token)
                    .setTeam(seat.team)
                    .setHat(WireMapping.hat(seat.seat.hat()))
                    .setCoPlayer(shared != null)
                    .setSnapshot(session.views().snapshot(player))));
    session.pushLobby();
    session.pushLiveView();
    return player;
  }

  private SeatState freeSeat(int preferredTeam) {
    SeatState botSeat = null;
    for (SeatState s : session.seats()) {
      if (s.human() || (preferredTeam >= 0 && s.team != preferredTeam)) {
        continue;
      }
      if (s.bot == null) {
        return s;
      }
      if (botSeat == null) {
        botSeat = s;
      }
    }
    return botSeat;
  }

  /**
   * Admits a spectator, up to {@code maxSpectators} at once. Spectators are not written to the log
   * (watching changes nothing that a replay needs), so people who come and go never grow it; they
   * are removed when they leave or disconnect, and a restart forgets them: a spectator whose
   * connection drops spectates again with the join code.
   */
  void limitSpectators(int max) {
    this.maxSpectators = max;
  }

  Member spectate(Connection c, long rid, String token) {
    if (session.spectatorCount() >= maxSpectators) {
      session.error(
          c,
          rid,
          ErrorCode.UNAVAILABLE,
          "this session already has its maximum of " + maxSpectators + " spectators");
      return null;
    }
    Member spectator = new Member(Role.SPECTATOR, Tokens.hash(token), "spectator");
    spectator.connection = c;
    session.addMember(spectator);
    return spectator;
  }

  /**
   * Tells an admitted spectator so. Separate from {@link #spectate} so that the connection is bound
   * to the session before the reply leaves: a client that answers Joined at once with Leave must
   * find itself bound.
   */
  void welcomeSpectator(Connection c, long rid, Member spectator, String token) {
    session.reply(
        c,
        rid,
        ServerMessage.newBuilder()
            .setJoined(
                Joined.newBuilder()
                    .setSessionId(session.id())
                    .setRole(Role.SPECTATOR)
                    .setToken(token)
                    .setTeam(-1)
                    .setSnapshot(session.views().snapshot(spectator))));
    session.spectatorsChanged();
  }

  /**
   * Attaches a returning member to a new connection. A player's or spectator's older connection is
   * told it was replaced; a facilitator may be connected several times at once (the console stays
   * live while the replay page or a second device opens the session).
   */
  void resume(Connection c, long rid, Member member) {
    member.lastSeenMs = session.clock().nowMillis();
    if (member.role == Role.FACILITATOR) {
      member.attach(c);
      session.reply(
          c, rid, ServerMessage.newBuilder().setSnapshot(session.views().snapshot(member)));
      session.pushLiveView();
      return;
    }
    if (member.connection != null && member.connection != c) {
      session.goodbye(
          member, Goodbye.Reason.REPLACED, "this seat was resumed on another connection");
    }
    member.connection = c;
    session.reply(c, rid, ServerMessage.newBuilder().setSnapshot(session.views().snapshot(member)));
    session.pushLobby();
    session.pushLiveView();
  }

  void disconnected(Member member, Connection c) {
    if (member.role == Role.SPECTATOR && member.detach(c)) {
      session.removeMember(member);
      session.spectatorsChanged();
      return;
    }
    if (member.detach(c)) {
      if (!member.removed) {
        session.pushLobby();
        session.pushLiveView();
      }
    }
  }

  void leave(Connection c, long rid, Member member) {
    if (member.role == Role.FACILITATOR) {
      member.detach(c);
    } else {
      session.removeMember(member);
      CoPlayers.leave(session, member, SeatReleased.Why.LEFT);
      member.connection = null;
    }
    session.reply(c, rid, ServerMessage.newBuilder().setLeft(Left.getDefaultInstance()));
    if (member.role == Role.SPECTATOR) {
      session.spectatorsChanged();
      return;
    }
    session.pushLobby();
    session.pushLiveView();
  }

  void submit(Connection c, long rid, Member member, SubmitDecision submit) {
    if (member.role != Role.PLAYER || member.seat == null) {
      session.error(c, rid, ErrorCode.PERMISSION_DENIED, "only a seated player submits decisions");
      return;
    }
    Phase phase = session.phase();
    if (phase != Phase.TURN_OPEN) {
      session.error(
          c,
          rid,
          ErrorCode.WRONG_PHASE,
          phase == Phase.PAUSED
              ? "the game is paused; submit after it resumes"
              : "no turn is open (the session is in " + phase + ")");
      return;
    }
    int turn = session.game().turn();
    if (submit.getTurn() != turn) {
      session.error(
          c,
          rid,
          ErrorCode.WRONG_PHASE,
          "the decision is for turn " + submit.getTurn() + " but turn " + turn + " is open");
      return;
    }
    SeatState seat = member.seat;
    int expected = seat.wireDecision == null ? 1 : seat.version + 1;
    if (submit.getVersion() != expected) {
      session.error(
          c,
          rid,
          ErrorCode.WRONG_PHASE,
          "stale decision version "
              + submit.getVersion()
              + ": the next version of this seat's decision is "
              + expected);
      return;
    }
    java.util.Optional<org.quarterdeck.server.wire.DecisionShape.Problem> shape =
        org.quarterdeck.server.wire.DecisionShape.check(submit.getDecision());
    if (shape.isPresent()) {
      session.error(
          c,
          rid,
          ErrorCode.INVALID_ARGUMENT,
          "submit_decision.decision." + shape.get().field(),
          shape.get().message());
      return;
    }
    Verdict<AcceptedDecision> verdict =
        session.game().validate(WireMapping.decision(seat.seat, turn, submit.getDecision()));
    if (!verdict.isAccepted()) {
      session.error(c, rid, verdict.rejection().orElseThrow(), "submit_decision.decision.");
      return;
    }
    session.acceptDecision(c, rid, seat, verdict.value(), submit.getDecision(), expected);
  }

  void facilitate(Connection c, long rid, Member member, FacilitatorCommand command) {
    if (member.role != Role.FACILITATOR) {
      session.error(
          c,
          rid,
          ErrorCode.PERMISSION_DENIED,
          "only the facilitator may " + command.getCommandCase().name().toLowerCase());
      return;
    }
    Phase phase = session.phase();
    boolean turnOpen = phase == Phase.TURN_OPEN || phase == Phase.PAUSED;
    switch (command.getCommandCase()) {
      case START -> {
        if (phase != Phase.LOBBY) {
          session.error(c, rid, ErrorCode.WRONG_PHASE, "the session has already started");
          return;
        }
        session.openTurn();
      }
      case PAUSE -> {
        if (phase != Phase.TURN_OPEN) {
          session.error(c, rid, ErrorCode.WRONG_PHASE, "only an open turn can be paused");
          return;
        }
        session.pause();
      }
      case RESUME -> {
        if (phase != Phase.PAUSED) {
          session.error(c, rid, ErrorCode.WRONG_PHASE, "the game is not paused");
          return;
        }
        session.resume();
      }
      case EXTEND_SECONDS -> {
        int seconds = command.getExtendSeconds();
        if (seconds < 1 || seconds > MAX_EXTEND_SECONDS) {
          session.error(
              c,
              rid,
              ErrorCode.INVALID_ARGUMENT,
              "extend_seconds must be 1.." + MAX_EXTEND_SECONDS + ", was " + seconds);
          return;
        }
        if (!turnOpen) {
          session.error(c, rid, ErrorCode.WRONG_PHASE, "no turn is open");
          return;
        }
        session.extend(seconds * 1000L);
      }
      case DEADLINE_AT_EPOCH_MS -> {
        long at = command.getDeadlineAtEpochMs();
        long now = session.clock().nowMillis();
        if (at < now + 1000 || at > now + SessionManager.MAX_DEADLINE_SECONDS * 1000L) {
          session.error(
              c,
              rid,
              ErrorCode.INVALID_ARGUMENT,
              "deadline_at_epoch_ms must be 1 s to "
                  + SessionManager.MAX_DEADLINE_SECONDS / 3600
                  + " h after the server's time "
                  + now
                  + ", was "
                  + at);
          return;
        }
        if (phase != Phase.TURN_OPEN) {
          session.error(
              c,
              rid,
              ErrorCode.WRONG_PHASE,
              phase == Phase.PAUSED
                  ? "the game is paused; resume it before setting the deadline"
                  : "no turn is open");
          return;
        }
        session.deadlineAt(at);
      }
      case FORCE_RESOLVE -> {
        if (!turnOpen) {
          session.error(c, rid, ErrorCode.WRONG_PHASE, "no turn is open");
          return;
        }
        session.reply(c, rid, ack());
        session.closeTurn(org.quarterdeck.protocol.v1.TurnClosed.Trigger.FORCED);
        return;
      }
      case INJECT -> {
        if (!turnOpen) {
          session.error(c, rid, ErrorCode.WRONG_PHASE, "events are injected into an open turn");
          return;
        }
        if (!inject(c, rid, command.getInject())) {
          return;
        }
      }
      case BROADCAST -> {
        String text = command.getBroadcast().strip();
        if (text.isEmpty() || text.length() > MAX_BROADCAST_CHARS) {
          session.error(
              c,
              rid,
              ErrorCode.INVALID_ARGUMENT,
              "broadcast must be 1.." + MAX_BROADCAST_CHARS + " characters");
          return;
        }
        session.broadcast(text);
      }
      case KICK -> {
        SeatState seat = seat(c, rid, command.getKick(), "kick");
        if (seat == null) {
          return;
        }
        if (!seat.human()) {
          session.error(c, rid, ErrorCode.NOT_FOUND, "nobody sits in that seat");
          return;
        }
        Member kicked = seat.player;
        session.removeMember(kicked);
        session.goodbye(kicked, Goodbye.Reason.KICKED, "the facilitator removed you");
        CoPlayers.leave(session, kicked, SeatReleased.Why.KICKED);
        session.pushLobby();
        session.pushLiveView();
      }
      case END -> {
        if (phase == Phase.ENDED) {
          session.error(c, rid, ErrorCode.WRONG_PHASE, "the session has already ended");
          return;
        }
        session.reply(c, rid, ack());
        session.end(true);
        return;
      }
      case REMIND -> {
        SeatState seat = seat(c, rid, command.getRemind(), "remind");
        if (seat == null || !FacilitatorNudges.remind(session, c, rid, seat, turnOpen)) {
          return;
        }
      }
      case PLAY_DEFAULT -> {
        SeatState seat = seat(c, rid, command.getPlayDefault(), "play_default");
        if (seat == null || !FacilitatorNudges.playDefault(session, c, rid, seat, phase)) {
          return;
        }
      }
      case LIVE_VIEW -> {
        session.reply(c, rid, ServerMessage.newBuilder().setLiveView(session.views().liveView()));
        return;
      }
      case COMMAND_NOT_SET -> {
        session.error(c, rid, ErrorCode.INVALID_ARGUMENT, "the facilitator command is empty");
        return;
      }
      default -> {
        session.error(c, rid, ErrorCode.INVALID_ARGUMENT, "unknown facilitator command");
        return;
      }
    }
    session.reply(c, rid, ack());
  }

  private ServerMessage.Builder ack() {
    return ServerMessage.newBuilder()
        .setFacilitatorAck(
            FacilitatorAck.newBuilder().setPhase(session.phase()).setTurn(session.game().turn()));
  }

  /**
   * Applies a logged injection as a recorded fact: today's text limits are not asked again (the log
   * was accepted under its own), only the engine turns it into the same effects.
   *
   * @throws IllegalStateException when the engine cannot apply the recorded event (the log does not
   *     fit this engine: the rebuild refuses it with the reason)
   */
  void injectRecorded(InjectEvent inject) {
    InjectedEvent event = WireMapping.injectedEvent(inject, session.game().teamIds());
    Verdict<AcceptedInjection> verdict = session.game().validateInjection(event);
    if (!verdict.isAccepted()) {
      throw new IllegalStateException(
          "the engine refuses the recorded event: " + verdict.rejection().orElseThrow());
    }
    session.addInjection(
        new GameSession.Injection(verdict.value(), eventView(inject), inject.getTeamsList()),
        inject);
  }

  private boolean inject(Connection c, long rid, InjectEvent inject) {
    if (inject.hasCustom()
        && (inject.getCustom().getTitle().length() > MAX_EVENT_TEXT_CHARS
            || inject.getCustom().getNarrative().length() > MAX_EVENT_TEXT_CHARS)) {
      session.error(
          c,
          rid,
          ErrorCode.INVALID_ARGUMENT,
          "custom event texts are limited to " + MAX_EVENT_TEXT_CHARS + " characters");
      return false;
    }
    InjectedEvent event;
    try {
      event = WireMapping.injectedEvent(inject, session.game().teamIds());
    } catch (IllegalArgumentException e) {
      session.error(c, rid, ErrorCode.INVALID_ARGUMENT, e.getMessage());
      return false;
    }
    Verdict<AcceptedInjection> verdict = session.game().validateInjection(event);
    if (!verdict.isAccepted()) {
      session.error(c, rid, verdict.rejection().orElseThrow(), "facilitator.inject.");
      return false;
    }
    session.addInjection(
        new GameSession.Injection(verdict.value(), eventView(inject), inject.getTeamsList()),
        inject);
    return true;
  }

  /** How players see an injected event: its custom texts, or the deck card's. */
  private EventView eventView(InjectEvent inject) {
    if (inject.hasCustom()) {
      return EventView.newBuilder()
          .setTitle(inject.getCustom().getTitle())
          .setNarrative(inject.getCustom().getNarrative())
          .setInjected(true)
          .build();
    }
    return WireMapping.event(
            session
                .game()
                .rules()
                .events()
                .get(session.game().rules().eventIndex(inject.getDeckEvent())))
        .toBuilder()
        .setInjected(true)
        .build();
  }

  void assign(Connection c, long rid, Member member, AssignSeat assign) {
    if (member.role != Role.FACILITATOR) {
      session.error(c, rid, ErrorCode.PERMISSION_DENIED, "only the facilitator assigns seats");
      return;
    }
    if (session.phase() == Phase.ENDED) {
      session.error(c, rid, ErrorCode.WRONG_PHASE, "the session has ended");
      return;
    }
    SeatState to = seat(c, rid, assign.getTo(), "assign_seat.to");
    if (to == null) {
      return;
    }
    if (to.human()) {
      session.error(c, rid, ErrorCode.WRONG_PHASE, "the destination seat is taken");
      return;
    }
    if (!assign.getBotStrategy().isEmpty()) {
      Strategy bot;
      try {
        bot = Strategies.parse(assign.getBotStrategy());
      } catch (IllegalArgumentException e) {
        session.error(c, rid, ErrorCode.INVALID_ARGUMENT, e.getMessage());
        return;
      }
      session.releaseSeat(to, bot, SeatReleased.Why.MOVED);
    } else {
      SeatState from = seat(c, rid, assign.getFrom(), "assign_seat.from");
      if (from == null) {
        return;
      }
      if (!from.human()) {
        session.error(c, rid, ErrorCode.NOT_FOUND, "nobody sits in the seat to move from");
        return;
      }
      Member moved = from.player;
      session.releaseSeat(from, session.botFor(from.team), SeatReleased.Why.MOVED);
      session.seatPlayer(moved, to);
      session.send(moved, ServerMessage.newBuilder().setSnapshot(session.views().snapshot(moved)));
    }
    session.reply(c, rid, ack());
    session.pushLobby();
    session.pushLiveView();
  }

  private SeatState seat(Connection c, long rid, SeatRef ref, String field) {
    if (ref.getTeam() < 0 || ref.getTeam() >= session.teamCount()) {
      session.error(c, rid, ErrorCode.INVALID_ARGUMENT, field + ": no team " + ref.getTeam());
      return null;
    }
    SeatHat hat = WireMapping.hat(ref.getHat());
    SeatState seat = session.seat(ref.getTeam(), hat);
    if (seat == null) {
      session.error(
          c,
          rid,
          ErrorCode.INVALID_ARGUMENT,
          field + ": team " + ref.getTeam() + " has no " + hat + " seat");
    }
    return seat;
  }

  private static boolean hasControl(String s) {
    return s.codePoints().anyMatch(Character::isISOControl);
  }
}

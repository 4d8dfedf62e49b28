package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Left;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.Errors;
import org.quarterdeck.server.port.SessionGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the session a message is for (by join code, token or the connection's binding) and hands
 * the message to that session on the session's own thread. Every request gets an answer: a session
 * being rebuilt, quarantined or gone, or a name not known while the server is still recovering, is
 * answered with a typed error.
 */
final class SessionRouter implements SessionGateway {
  private static final Logger log = LoggerFactory.getLogger(SessionRouter.class);
  private static final int RESTORING_RETRY_MS = 1000;

  private final SessionRegistry registry;
  private final ConnectionBindings bindings;
  private final SessionFactory factory;
  private final SessionRecovery recovery;
  private final GuessLimiter guesses;
  private final Supplier<FacilitatorDesk> desk;
  private final Arrivals arrivals = new Arrivals();
  private final TakenOutSessions takenOut;
  private final ArchivedRequests archived;

  private final Runnable beforeDispatch;

  SessionRouter(
      SessionRegistry registry,
      ConnectionBindings bindings,
      SessionFactory factory,
      SessionRecovery recovery,
      GuessLimiter guesses,
      Supplier<FacilitatorDesk> desk,
      TakenOutSessions takenOut,
      Runnable beforeDispatch) {
    this.registry = requireNonNull(registry, "registry");
    this.takenOut = requireNonNull(takenOut, "takenOut");
    this.archived = new ArchivedRequests(registry, bindings, takenOut);
    this.bindings = requireNonNull(bindings, "bindings");
    this.factory = requireNonNull(factory, "factory");
    this.recovery = requireNonNull(recovery, "recovery");
    this.guesses = requireNonNull(guesses, "guesses");
    this.desk = requireNonNull(desk, "desk");
    this.beforeDispatch = requireNonNull(beforeDispatch, "beforeDispatch");
  }

  private interface WithToken {
    void accept(GameSession session, String token);
  }

  private interface WithMember {
    void accept(GameSession session, Member member);
  }

  @Override
  public void handle(Connection c, ClientMessage m) {
    // a request for an archived session kept as its summary waits for a copy read from its log
    archived.handle(c, m, this::route);
  }

  private void route(Connection c, ClientMessage m) {
    route(c, m, false);
  }

  /** {@code openingAdmitted}: a sealed OpenSession token was admitted for it already. */
  private void route(Connection c, ClientMessage m, boolean openingAdmitted) {
    CompletableFuture<Boolean> rebuilding = recovery.rebuildFirst(m);
    if (rebuilding != null) {
      // it names a session read at start and not rebuilt yet: routed once it runs here
      rebuilding.whenComplete((ok, error) -> handle(c, m));
      return;
    }
    if (m.getBodyCase() == ClientMessage.BodyCase.RESUME
        && !openingAdmitted
        && admittedOpening(c, m)) {
      return;
    }
    long rid = m.getRequestId();
    switch (m.getBodyCase()) {
      case CREATE_SESSION -> factory.create(c, rid, m.getCreateSession());
      case JOIN_SESSION ->
          byCode(
              c,
              rid,
              m.getJoinSession().getJoinCode(),
              (s, token) ->
                  bind(c, s, s.commands().join(c, rid, m.getJoinSession(), token), token));
      case SPECTATE ->
          byCode(
              c,
              rid,
              m.getSpectate().getJoinCode(),
              (s, token) -> {
                Member spectator = s.commands().spectate(c, rid, token);
                bind(c, s, spectator, token);
                if (spectator != null) {
                  s.commands().welcomeSpectator(c, rid, spectator, token);
                }
              });
      case RESUME -> resume(c, rid, m.getResume().getToken());
      case LEAVE -> bound(c, rid, (s, member) -> leave(c, rid, s, member));
      case SUBMIT_DECISION ->
          bound(
              c,
              rid,
              writing(
                  (s, member) -> s.commands().submit(c, rid, member, m.getSubmitDecision()),
                  c,
                  rid));
      case FACILITATOR ->
          bound(
              c,
              rid,
              writing(
                  (s, member) -> {
                    s.commands().facilitate(c, rid, member, m.getFacilitator());
                    // Of the facilitator's commands only a kick removes anyone, and the sweep
                    // walks every binding and token of the server: after each command it made
                    // 1,000 facilitators setting a deadline cost O(sessions x connections)
                    // (8.7% of the server's CPU samples in the deadline burst's profile).
                    if (m.getFacilitator().getCommandCase()
                        == org.quarterdeck.protocol.v1.FacilitatorCommand.CommandCase.KICK) {
                      forgetRemoved(s);
                    }
                  },
                  c,
                  rid));
      case ASSIGN_SEAT ->
          bound(
              c,
              rid,
              writing(
                  (s, member) -> s.commands().assign(c, rid, member, m.getAssignSeat()), c, rid));
      case GET_REPLAY -> {
        String named = m.getGetReplay().getSessionId();
        if (!named.isEmpty() && !registry.holds(named)) {
          String problem = registry.quarantinedBecause(named);
          if (problem != null) {
            c.sendError(
                rid, ErrorCode.UNAVAILABLE, "session " + named + " is quarantined: " + problem);
          } else if (!recovery.progress().finished()) {
            c.send(stillRecovering(rid));
          } else {
            c.send(
                withField(
                    Errors.reply(rid, ErrorCode.NOT_FOUND, "no session " + named),
                    "get_replay.session_id"));
          }
          return;
        }
        bound(c, rid, (s, member) -> ReplayRequests.replay(s, c, rid, member, m.getGetReplay()));
      }
      case WHAT_IF ->
          bound(c, rid, (s, member) -> ReplayRequests.whatIf(s, c, rid, member, m.getWhatIf()));
      case SIGN_IN -> desk.get().signIn(c, rid, m.getSignIn());
      case LIST_SESSIONS -> desk.get().list(c, rid, m.getListSessions());
      case OPEN_SESSION -> desk.get().open(c, rid, m.getOpenSession());
      case ARCHIVE_SESSION -> desk.get().archive(c, rid, m.getArchiveSession());
      default ->
          c.sendError(
              rid, ErrorCode.INVALID_ARGUMENT, m.getBodyCase() + " is not a session message");
    }
  }

  @Override
  public void disconnected(Connection c) {
    desk.get().disconnected(c);
    archived.gone(c);
    guesses.forget(c.id());
    arrivals.gone(c.id());
    ConnectionBindings.Binding b = bindings.remove(c);
    // a session archived (or a copy put back) a moment ago has nobody to tell of it
    if (b != null && !(b.session().archived() && registry.threadOf(b.session()) == null)) {
      registry.run(
          b.session(),
          () -> {
            b.session().commands().disconnected(b.member(), c);
            if (b.member().removed) {
              registry.forgetToken(b.member().tokenHash, b.session());
            }
          });
    }
  }

  private void leave(Connection c, long rid, GameSession s, Member member) {
    if (s.archived() && member.role != Role.SPECTATOR) {
      // an archived session's log is closed: leaving only ends this connection's binding
      bindings.remove(c);
      s.reply(c, rid, ServerMessage.newBuilder().setLeft(Left.getDefaultInstance()));
      return;
    }
    // unbound before Left goes out: a client may send its next Resume or Join the moment it reads
    // Left, and that request is checked on another session's thread
    bindings.remove(c);
    s.commands().leave(c, rid, member);
    if (member.removed) {
      registry.forgetToken(member.tokenHash);
    }
  }

  /** A command that may write to the session's log: refused once the session is archived. */
  private WithMember writing(WithMember action, Connection c, long rid) {
    return (s, member) -> {
      if (s.archived()) {
        s.error(
            c,
            rid,
            ErrorCode.WRONG_PHASE,
            "the session has ended and is archived; it can" + " still be replayed and exported");
        return;
      }
      action.accept(s, member);
    };
  }

  private void byCode(Connection c, long rid, String typedCode, WithToken action) {
    String address = hostOf(c);
    long now = System.currentTimeMillis();
    long wait = guesses.waitMillis(c.id(), address, now);
    if (wait > 0) {
      c.send(
          Errors.reply(
              rid,
              ErrorCode.RATE_LIMITED,
              "too many wrong join codes; try again later",
              (int) wait));
      return;
    }
    GameSession session = sessionByCode(typedCode);
    String problem = registry.quarantinedByCode(JoinCodes.normalize(typedCode));
    if (session == null && problem != null) {
      c.sendError(rid, ErrorCode.UNAVAILABLE, "this session is quarantined: " + problem);
      return;
    }
    if (session == null && !recovery.progress().finished()) {
      c.send(stillRecovering(rid)); // not a wrong guess: the code may be in a log not read yet
      return;
    }
    if (session == null) {
      guesses.failed(c.id(), address, now);
      c.sendError(rid, ErrorCode.NOT_FOUND, "no session has that join code");
      return;
    }
    String token = Tokens.newToken();
    run(session, c, rid, arrivals.arriving(c.id(), session, () -> action.accept(session, token)));
  }

  /** A join code, or a facilitator's room name standing for their current session. */
  private GameSession sessionByCode(String typed) {
    GameSession session = registry.byCode(JoinCodes.normalize(typed));
    if (session == null && typed != null) {
      session =
          desk.get()
              .roomJoinCode(typed.strip().toLowerCase(Locale.ROOT))
              .map(registry::byCode)
              .orElse(null);
    }
    return session;
  }

  /** The connection leaves whatever session it was bound to, as if it had disconnected. */
  private void unbind(Connection c) {
    ConnectionBindings.Binding old = bindings.remove(c);
    if (old != null) {
      registry.run(old.session(), () -> old.session().commands().disconnected(old.member(), c));
    }
  }

  private void bind(Connection c, GameSession session, Member member, String token) {
    if (member != null) {
      // A join link for another session wins over the connection's old seat (which stays
      // resumable with its token); a refused join leaves the old binding alone.
      unbind(c);
      bindings.put(c, session, member);
      registry.admitToken(Tokens.hash(token), session);
    }
  }

  /**
   * A Resume with a facilitator token that OpenSession sealed on a cluster node, for a session this
   * node serves without knowing the token (it took the session over since): the token is admitted
   * to its session and the Resume routed again. False when the token is known here, not sealed, or
   * its session is not here (it is then answered as any unknown token).
   */
  private boolean admittedOpening(Connection c, ClientMessage m) {
    String token = m.getResume().getToken();
    // a token of another kind costs a prefix check only
    java.util.Optional<String> session = desk.get().openedSession(token);
    if (session.isEmpty()) {
      return false;
    }
    String hash = Tokens.hash(token);
    if (registry.byTokenHash(hash) != null) {
      return false;
    }
    CompletableFuture<Boolean> rebuilding = recovery.rebuildFirst(session.get());
    if (rebuilding != null) {
      rebuilding.whenComplete((ok, error) -> handle(c, m));
      return true;
    }
    return desk.get()
        .admitOpening(
            session.get(), hash, () -> archived.handle(c, m, (cc, mm) -> route(cc, mm, true)));
  }

  private void resume(Connection c, long rid, String token) {
    String hash = Tokens.hash(token);
    GameSession session = registry.byTokenHash(hash);
    String problem = registry.quarantinedByToken(hash);
    if (session == null && problem != null) {
      c.sendError(rid, ErrorCode.UNAVAILABLE, "this session is quarantined: " + problem);
      return;
    }
    if (session == null && !recovery.progress().finished()) {
      // not UNAUTHENTICATED, which makes a player page forget a token that is about to be good
      c.send(stillRecovering(rid));
      return;
    }
    if (session == null) {
      c.sendError(rid, ErrorCode.UNAUTHENTICATED, "unknown or revoked token");
      return;
    }
    run(
        session,
        c,
        rid,
        arrivals.arriving(
            c.id(),
            session,
            () -> {
              Member member = session.member(hash);
              // The map is keyed by the hash, so a hit is the member (or the facilitator, for a
              // token handed out when a signed-in facilitator reopened the session).
              if (member == null || member.removed) {
                session.error(c, rid, ErrorCode.UNAUTHENTICATED, "unknown or revoked token");
                return;
              }
              ConnectionBindings.Binding old = bindings.get(c);
              if (old != null && old.member() != member) {
                // The connection moves on (a facilitator's next session): the old one lets it go.
                unbind(c);
              }
              Connection previous = member.connection;
              if (previous != null && previous != c && member.role != Role.FACILITATOR) {
                bindings.remove(previous.id());
              }
              bindings.put(c, session, member);
              session.commands().resume(c, rid, member);
            }));
  }

  private void bound(Connection c, long rid, WithMember action) {
    GameSession arriving = arrivals.sessionOf(c.id());
    if (arriving != null) {
      run(arriving, c, rid, () -> boundBehindArrival(arriving, c, rid, action));
      return;
    }
    ConnectionBindings.Binding b = bindings.get(c);
    if (b == null) {
      ConnectionBindings.Shelved shelved = bindings.shelved(c);
      GameSession copy = shelved == null ? null : registry.byId(shelved.sessionId());
      if (copy != null) {
        run(copy, c, rid, () -> backInArchived(copy, shelved, c, rid, action));
        return;
      }
      c.sendError(rid, ErrorCode.UNAUTHENTICATED, "join, spectate or resume a session first");
      return;
    }
    run(b.session(), c, rid, asMember(b, c, rid, action));
  }

  /**
   * On the thread of an archived session's copy: the connection whose place in it was shelved takes
   * the same place in the copy (a spectator, whom no log keeps, is admitted again), then its
   * request runs.
   */
  private void backInArchived(
      GameSession copy,
      ConnectionBindings.Shelved shelved,
      Connection c,
      long rid,
      WithMember action) {
    if (bindings.get(c) != null) {
      bound(c, rid, action); // bound meanwhile (a Resume that ran first)
      return;
    }
    Member member = copy.member(shelved.tokenHash());
    if (member == null && shelved.role() == Role.SPECTATOR) {
      member = new Member(Role.SPECTATOR, shelved.tokenHash(), "spectator");
      copy.addMember(member);
    }
    if (member == null || member.removed) {
      bindings.remove(c);
      c.sendError(rid, ErrorCode.UNAUTHENTICATED, "join, spectate or resume a session first");
      return;
    }
    if (member.role == Role.FACILITATOR) {
      member.attach(c);
    } else {
      member.connection = c;
    }
    bindings.put(c, copy, member);
    asMember(new ConnectionBindings.Binding(copy, member), c, rid, action).run();
  }

  /**
   * On the arrival session's thread, after the Resume or join the request was pipelined behind:
   * runs it here at once when that bound the connection (so it keeps its place in the order), else
   * routes it afresh.
   */
  private void boundBehindArrival(GameSession arriving, Connection c, long rid, WithMember action) {
    arrivals.arrived(c.id(), arriving); // ran or was skipped: either way it is over
    ConnectionBindings.Binding b = bindings.get(c);
    if (b != null && b.session() == arriving) {
      asMember(b, c, rid, action).run();
    } else {
      bound(c, rid, action);
    }
  }

  private static Runnable asMember(
      ConnectionBindings.Binding b, Connection c, long rid, WithMember action) {
    return () -> {
      b.member().lastSeenMs = b.session().clock().nowMillis();
      if (b.member().removed) {
        c.sendError(rid, ErrorCode.PERMISSION_DENIED, "you were removed from this session");
        return;
      }
      action.accept(b.session(), b.member());
    };
  }

  /** Drops the tokens and bindings of members the last command removed (kicks). */
  private void forgetRemoved(GameSession session) {
    bindings.forgetRemoved(session);
    registry.forgetRemovedTokens(session);
  }

  /**
   * Runs a client's command on its session's thread, unless the session is being restored from its
   * log after a storage failure: then the client is told to retry.
   */
  private void run(GameSession session, Connection c, long rid, Runnable task) {
    beforeDispatch.run();
    boolean dispatched =
        registry.run(
            session,
            () -> {
              // from the moment a record is known lost until the rebuilt session replaces this one,
              // its memory holds changes the log does not: nothing may be decided on it
              if (recovery.rebuilding(session) || session.outbox().failed()) {
                c.send(restoring(rid));
                return;
              }
              session.touch(); // activity: keeps a lobby from being closed as idle
              takenOut.touch(session); // a copy of an archived session: recently used
              try {
                task.run();
              } catch (RuntimeException e) {
                // every request gets an answer, even one that a bug broke off
                log.error("session {} failed a command", session.id(), e);
                c.sendError(rid, ErrorCode.INTERNAL, "the server failed this request");
              }
            });
    if (!dispatched) {
      // The command was routed (by its binding, token or join code) to a session that has since
      // left the routing maps: swapped for its rebuilt self after a storage failure, quarantined,
      // or dropped. Nothing ran; it is answered here, never dropped.
      if (session.archived()) {
        // let go of (archived, or a copy put back) while a connection was bound to it again:
        // its places are shelved, so the next request reads the session from its log
        bindings.shelve(session);
      }
      c.send(gone(session, rid));
    }
  }

  /** The answer to a command for a session that is being rebuilt: nothing changed, retry. */
  private static ServerMessage restoring(long rid) {
    return Errors.reply(
        rid,
        ErrorCode.UNAVAILABLE,
        "the session is being restored from its"
            + " log after a storage failure; nothing changed, try again in a moment",
        RESTORING_RETRY_MS);
  }

  /** The answer to a name not known yet while the server still reads its logs. */
  private ServerMessage stillRecovering(long rid) {
    return Errors.reply(
        rid,
        ErrorCode.UNAVAILABLE,
        "the server is starting and still reading its session logs ("
            + recovery.progress().describe()
            + "); try again in a moment",
        RESTORING_RETRY_MS);
  }

  /** The answer to a command routed to a session that is no longer registered. */
  private ServerMessage gone(GameSession session, long rid) {
    String problem = registry.quarantinedBecause(session.id());
    if (problem != null) {
      return Errors.reply(rid, ErrorCode.UNAVAILABLE, "this session is quarantined: " + problem);
    }
    if (session.archived() && registry.archived(session.id()) != null) {
      // archived (or its copy put back) while the request was on its way: it is read again
      return Errors.reply(
          rid,
          ErrorCode.UNAVAILABLE,
          "the session was just archived; nothing changed, try again in a moment",
          RESTORING_RETRY_MS);
    }
    if (registry.holds(session.id()) || recovery.rebuilding(session)) {
      // replaced by the session rebuilt from its log: the client resumes or retries on it
      return restoring(rid);
    }
    return Errors.reply(rid, ErrorCode.NOT_FOUND, "this session no longer exists");
  }

  static ServerMessage withField(ServerMessage error, String field) {
    return error.toBuilder().setError(error.getError().toBuilder().setField(field)).build();
  }

  static String hostOf(Connection c) {
    String address = c.remoteAddress();
    int colon = address.lastIndexOf(':');
    return colon > 0 ? address.substring(0, colon) : address;
  }
}

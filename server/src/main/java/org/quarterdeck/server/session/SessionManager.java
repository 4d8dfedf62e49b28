package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Mode;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.facilitator.ArchivedSessions;
import org.quarterdeck.server.facilitator.FacilitatorAccounts;
import org.quarterdeck.server.facilitator.SignIns;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.Errors;
import org.quarterdeck.server.port.SessionGateway;
import org.quarterdeck.server.scenario.LoadedScenario;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.scenario.ScenarioException;
import org.quarterdeck.server.wire.WireMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the session a message is for (by join code, token or the connection's binding) and hands
 * the message to that session on the session's own thread. Creates sessions.
 */
public final class SessionManager implements SessionGateway {
  private static final Logger log = LoggerFactory.getLogger(SessionManager.class);
  static final int MAX_SCENARIO_CHARS = 48 * 1024;
  static final int MAX_TITLE_CHARS = 100;
  static final int MAX_PEOPLE_PER_TEAM = 8;
  static final int MAX_TEAMS = 60;
  static final int MAX_DEADLINE_SECONDS = 86_400;

  /** A last call is a moment to revise, not a second deadline. */
  static final int MAX_LAST_CALL_SECONDS = 120;

  private static final SecureRandom SEEDS = new SecureRandom();

  private final Supplier<SessionThread> threads;
  private final Journals storage;
  private final String adminTokenHash;
  private final int maxSessions;
  private final GuessLimiter guesses;
  private final SessionLimits limits;
  private final CreationQuota creations;
  private final java.util.function.LongSupplier wallClock;
  private final java.util.concurrent.atomic.AtomicInteger archivedCount =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Map<String, GameSession> byId = new ConcurrentHashMap<>();
  private final Map<String, GameSession> byCode = new ConcurrentHashMap<>();
  private final Map<String, GameSession> byToken = new ConcurrentHashMap<>();
  private final Map<Long, Binding> bindings = new ConcurrentHashMap<>();
  private final Map<GameSession, SessionThread> threadOf = new ConcurrentHashMap<>();
  private final Map<String, String> quarantinedByToken = new ConcurrentHashMap<>();
  private final Map<String, String> quarantinedByCode = new ConcurrentHashMap<>();
  private final Map<String, String> quarantined = new ConcurrentHashMap<>();
  private final java.util.Set<GameSession> rebuilding = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.Executor disk;
  private final int joinFailuresPerMinute;
  private volatile FacilitatorDesk desk;

  /** The thread (and clock) a session runs on. */
  public interface SessionThread extends java.util.concurrent.Executor {
    SessionClock clock();

    boolean inThread();
  }

  /** A connection's place in a session. */
  private record Binding(GameSession session, Member member) {}

  /** A new session, as its facilitator learns of it. */
  public record Created(String sessionId, String joinCode, String facilitatorToken) {}

  /**
   * @param threads hands out a session thread for each new session (round robin over event loops)
   * @param storage where session logs are kept
   * @param adminToken when not null, creating a session needs this token
   * @param joinFailuresPerMinute wrong join codes or admin tokens one client address may send a
   *     minute before its connections that missed are refused (see {@link GuessLimiter}; a
   *     connection that has not missed is never refused)
   */
  private volatile java.util.function.LongConsumer turnTimer = nanos -> {};

  public SessionManager(
      Supplier<SessionThread> threads,
      Journals storage,
      String adminToken,
      int maxSessions,
      int joinFailuresPerMinute) {
    this(threads, storage, adminToken, maxSessions, joinFailuresPerMinute, Runnable::run);
  }

  /**
   * @param disk runs the blocking reads of a rebuild after a storage failure, off the event loops
   *     (tests pass a direct executor)
   */
  public SessionManager(
      Supplier<SessionThread> threads,
      Journals storage,
      String adminToken,
      int maxSessions,
      int joinFailuresPerMinute,
      java.util.concurrent.Executor disk) {
    this(
        threads,
        storage,
        adminToken,
        maxSessions,
        joinFailuresPerMinute,
        disk,
        SessionLimits.DEFAULTS);
  }

  /**
   * @param limits creation limits (without an admin token), spectators, archiving
   */
  public SessionManager(
      Supplier<SessionThread> threads,
      Journals storage,
      String adminToken,
      int maxSessions,
      int joinFailuresPerMinute,
      java.util.concurrent.Executor disk,
      SessionLimits limits) {
    this(
        threads,
        storage,
        adminToken,
        maxSessions,
        joinFailuresPerMinute,
        disk,
        limits,
        System::currentTimeMillis);
  }

  /**
   * @param wallClock the time creation quotas are counted in (tests pass a manual clock)
   */
  SessionManager(
      Supplier<SessionThread> threads,
      Journals storage,
      String adminToken,
      int maxSessions,
      int joinFailuresPerMinute,
      java.util.concurrent.Executor disk,
      SessionLimits limits,
      java.util.function.LongSupplier wallClock) {
    this.wallClock = requireNonNull(wallClock, "wallClock");
    this.limits = requireNonNull(limits, "limits");
    this.creations = new CreationQuota(limits.creationsPerAddressPerHour());
    this.disk = requireNonNull(disk, "disk");
    this.threads = requireNonNull(threads, "threads");
    this.storage = requireNonNull(storage, "storage");
    this.adminTokenHash = adminToken == null ? null : Tokens.hash(adminToken);
    this.maxSessions = maxSessions;
    this.guesses = new GuessLimiter(joinFailuresPerMinute);
    this.joinFailuresPerMinute = joinFailuresPerMinute;
    useFacilitators(
        FacilitatorAccounts.none(),
        ArchivedSessions.inMemory(),
        java.util.concurrent.ForkJoinPool.commonPool(),
        () -> "");
  }

  /**
   * Sets up signing in for facilitators (call before serving).
   *
   * @param slowWork runs password hashing and archive-flag writes off the event loops
   * @param publicUrl where people reach the server, for room links
   */
  public void useFacilitators(
      FacilitatorAccounts accounts,
      ArchivedSessions archived,
      java.util.concurrent.Executor slowWork,
      Supplier<String> publicUrl) {
    this.desk =
        new FacilitatorDesk(
            accounts,
            new SignIns(FacilitatorDesk.CREDENTIAL_LIFETIME_MS, System::currentTimeMillis),
            adminTokenHash,
            archived,
            slowWork,
            publicUrl,
            new GuessLimiter(joinFailuresPerMinute),
            new FacilitatorDesk.Sessions() {
              @Override
              public java.util.List<GameSession> all() {
                return java.util.List.copyOf(byId.values());
              }

              @Override
              public void onThread(GameSession session, Runnable task) {
                run(session, task);
              }

              @Override
              public void admitFacilitatorToken(GameSession session, String tokenHash) {
                session.admitFacilitatorAlias(tokenHash);
                byToken.put(tokenHash, session);
              }
            });
  }

  /** The join code a facilitator's room link leads to now (their newest running session). */
  public java.util.Optional<String> roomJoinCode(String facilitatorName) {
    return desk.roomJoinCode(facilitatorName);
  }

  /** Whether this server holds the session now (a cluster node asks before it routes). */
  public boolean holds(String sessionId) {
    return byId.containsKey(sessionId);
  }

  public int sessionCount() {
    return byId.size();
  }

  /** Sessions not archived: in their lobby, playing, or ended less than archiveAfter ago. */
  public int liveSessionCount() {
    return byId.size() - archivedCount.get();
  }

  /** Sessions archived since start (their logs closed). */
  public int archivedSessionCount() {
    return archivedCount.get();
  }

  @Override
  public void handle(Connection c, ClientMessage m) {
    long rid = m.getRequestId();
    switch (m.getBodyCase()) {
      case CREATE_SESSION -> create(c, rid, m.getCreateSession());
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
      case LEAVE ->
          bound(
              c,
              rid,
              (s, member) -> {
                if (s.archived() && member.role != org.quarterdeck.protocol.v1.Role.SPECTATOR) {
                  // an archived session's log is closed: leaving only ends this connection's
                  // binding
                  bindings.remove(c.id());
                  s.reply(
                      c,
                      rid,
                      ServerMessage.newBuilder()
                          .setLeft(org.quarterdeck.protocol.v1.Left.getDefaultInstance()));
                  return;
                }
                // unbound before Left goes out: a client may send its next Resume or Join the
                // moment it
                // reads Left, and that request is checked on another session's thread
                bindings.remove(c.id());
                s.commands().leave(c, rid, member);
                if (member.removed) {
                  byToken.remove(member.tokenHash);
                }
              });
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
                    forgetRemoved(s);
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
        if (!named.isEmpty() && !byId.containsKey(named)) {
          if (quarantined.containsKey(named)) {
            c.sendError(
                rid,
                ErrorCode.UNAVAILABLE,
                "session " + named + " is quarantined: " + quarantined.get(named));
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
      case SIGN_IN -> desk.signIn(c, rid, m.getSignIn());
      case LIST_SESSIONS -> desk.list(c, rid, m.getListSessions());
      case OPEN_SESSION -> desk.open(c, rid, m.getOpenSession());
      case ARCHIVE_SESSION -> desk.archive(c, rid, m.getArchiveSession());
      default ->
          c.sendError(
              rid, ErrorCode.INVALID_ARGUMENT, m.getBodyCase() + " is not a session message");
    }
  }

  @Override
  public void disconnected(Connection c) {
    desk.disconnected(c);
    guesses.forget(c.id());
    Binding b = bindings.remove(c.id());
    if (b != null) {
      run(
          b.session(),
          () -> {
            b.session().commands().disconnected(b.member(), c);
            if (b.member().removed) {
              byToken.remove(b.member().tokenHash, b.session());
            }
          });
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

  // ------------------------------------------------------------------ creation

  /**
   * Creates a session for an operator (the demo) without a connection; the future completes once
   * the session's first record is durable, and fails if it could not be stored.
   */
  public CompletableFuture<Created> create(CreateSession request) {
    CompletableFuture<Created> result = new CompletableFuture<>();
    try {
      Created created = open(request);
      GameSession session = byId.get(created.sessionId());
      session
          .openedDurably()
          .whenComplete(
              (ok, error) -> {
                if (error == null) {
                  result.complete(created);
                } else {
                  dropUnsaved(session, error);
                  result.completeExceptionally(error);
                }
              });
    } catch (IllegalArgumentException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /** A session whose first record could not be stored never existed for anyone: forget it. */
  private void dropUnsaved(GameSession session, Throwable error) {
    log.warn(
        "session {} was not created: its first record could not be stored ({})",
        session.id(),
        error.toString());
    unregister(session);
  }

  private void create(Connection c, long rid, CreateSession request) {
    String owner = desk.nameOf(c).orElse("");
    if (adminTokenHash != null && owner.isEmpty()) {
      // wrong admin tokens count as guesses, like wrong join codes
      String address = hostOf(c);
      long now = System.currentTimeMillis();
      long wait = guesses.waitMillis(c.id(), address, now);
      if (wait > 0) {
        c.send(
            Errors.reply(
                rid, ErrorCode.RATE_LIMITED, "too many wrong tokens; try again later", (int) wait));
        return;
      }
      if (!Tokens.sameHash(adminTokenHash, Tokens.hash(request.getAdminToken()))) {
        guesses.failed(c.id(), address, now);
        c.sendError(
            rid, ErrorCode.PERMISSION_DENIED, "creating a session needs the server's admin token");
        return;
      }
    }
    // Without an admin token anyone may create sessions: each address gets a quota, and the
    // server a ceiling of live sessions, so one client cannot fill the disk, heap or fd table.
    boolean anonymous = adminTokenHash == null;
    String address = hostOf(c);
    long now = wallClock.getAsLong();
    if (anonymous) {
      if (liveSessionCount() >= limits.maxAnonymousSessions()) {
        c.send(
            Errors.reply(
                rid,
                ErrorCode.UNAVAILABLE,
                "the server holds its maximum of "
                    + limits.maxAnonymousSessions()
                    + " live sessions; try again when some have ended",
                60_000));
        return;
      }
      long wait = creations.take(address, now);
      if (wait > 0) {
        c.send(
            Errors.reply(
                rid,
                ErrorCode.RATE_LIMITED,
                "this address has created "
                    + limits.creationsPerAddressPerHour()
                    + " sessions in the last hour; try again later",
                (int) Math.min(Integer.MAX_VALUE, wait)));
        return;
      }
    }
    try {
      Created created = open(request, owner);
      GameSession session = byId.get(created.sessionId());
      // SessionCreated only once the session's first record is durable: a token or join code
      // handed out for a session that a crash (or a full disk) undoes would be a lie
      session
          .openedDurably()
          .whenCompleteAsync(
              (ok, error) -> {
                if (error == null) {
                  c.send(
                      ServerMessage.newBuilder()
                          .setRequestId(rid)
                          .setSessionCreated(
                              SessionCreated.newBuilder()
                                  .setSessionId(created.sessionId())
                                  .setJoinCode(created.joinCode())
                                  .setFacilitatorToken(created.facilitatorToken()))
                          .build());
                } else {
                  dropUnsaved(session, error);
                  c.send(
                      Errors.reply(
                          rid,
                          ErrorCode.UNAVAILABLE,
                          "the session could not be saved ("
                              + rootMessage(error)
                              + "); nothing was created, try again",
                          1000));
                }
              },
              thread(session));
    } catch (TooManySessions e) {
      giveBack(anonymous, address, now);
      c.sendError(rid, ErrorCode.UNAVAILABLE, e.getMessage());
    } catch (UnknownScenario e) {
      giveBack(anonymous, address, now);
      c.send(
          withField(
              Errors.reply(rid, ErrorCode.NOT_FOUND, e.getMessage()),
              "create_session.builtin_scenario"));
    } catch (IllegalArgumentException e) {
      giveBack(anonymous, address, now);
      c.sendError(rid, ErrorCode.INVALID_ARGUMENT, e.getMessage());
    }
  }

  private void giveBack(boolean anonymous, String address, long now) {
    if (anonymous) {
      creations.giveBack(address, now);
    }
  }

  private static ServerMessage withField(ServerMessage error, String field) {
    return error.toBuilder().setError(error.getError().toBuilder().setField(field)).build();
  }

  /** CreateSession named a built-in scenario this server does not have. */
  private static final class UnknownScenario extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownScenario(String message) {
      super(message);
    }
  }

  private static final class TooManySessions extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    TooManySessions(String message) {
      super(message);
    }
  }

  /** Validates the request, builds the session on its thread's behalf and registers it. */
  private Created open(CreateSession request) {
    return open(request, "");
  }

  private Created open(CreateSession request, String owner) {
    if (byId.size() >= maxSessions) {
      throw new TooManySessions("the server holds its maximum of " + maxSessions + " sessions");
    }
    LoadedScenario scenario = scenario(request);
    SessionSettings settings = settings(request.getSettings(), scenario);
    String id = "s-" + Tokens.newToken().substring(0, 12);
    String code = uniqueCode();
    String facilitatorToken = Tokens.newToken();
    long seed = settings.getSeed() != 0 ? settings.getSeed() : SEEDS.nextLong();
    SessionThread thread = threads.get();
    Outbox outbox = new Outbox(thread);
    GameSession session =
        new GameSession(
            id,
            code,
            Tokens.hash(facilitatorToken),
            owner,
            scenario,
            settings,
            seed,
            thread.clock(),
            storage.create(id),
            outbox,
            threadCheck(thread, id),
            false);
    register(session, thread);
    log.info(
        "session {} created: scenario {}, {} teams, join code {}",
        id,
        scenario.id(),
        settings.getTeams(),
        code);
    return new Created(id, code, facilitatorToken);
  }

  private static Runnable threadCheck(SessionThread thread, String id) {
    return () -> {
      if (!thread.inThread()) {
        throw new IllegalStateException("session " + id + " touched off its thread");
      }
    };
  }

  /**
   * Tells {@code timer} how long each turn takes to resolve, in nanoseconds, for every session
   * created or recovered after this call (the composition root calls it before recovering).
   */
  public void timeTurns(java.util.function.LongConsumer timer) {
    turnTimer = requireNonNull(timer, "timer");
  }

  /**
   * How many sessions are in each phase, for metrics. Phases are read off the sessions' threads
   * without synchronisation: a count may be one transition behind, which a gauge tolerates.
   */
  public java.util.Map<String, Long> sessionsByPhase() {
    java.util.Map<String, Long> counts = new java.util.TreeMap<>();
    for (GameSession session : byId.values()) {
      counts.merge(session.phase().name(), 1L, Long::sum);
    }
    return counts;
  }

  /** The session's thread, or (for a session already dropped) the caller's. */
  private java.util.concurrent.Executor thread(GameSession session) {
    SessionThread thread = threadOf.get(session);
    return thread == null ? Runnable::run : thread;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private void register(GameSession session, SessionThread thread) {
    session.timeTurns(turnTimer);
    threadOf.put(session, thread);
    byId.put(session.id(), session);
    byCode.put(session.joinCode(), session);
    session.forEachMember(m -> byToken.put(m.tokenHash, session));
    session.outbox().onFailure(() -> rebuild(session));
    session.onEnded(() -> scheduleArchive(session, limits.archiveAfter().toMillis()));
    session.commands().limitSpectators(limits.maxSpectatorsPerSession());
  }

  // ------------------------------------------------------------------ archiving

  /** A recovered session that had ended: archived when its time comes, counted from its end. */
  private void archiveIfEnded(GameSession session) {
    long endedAt = session.endedAtMs();
    if (endedAt >= 0) {
      long due = endedAt + limits.archiveAfter().toMillis() - session.clock().nowMillis();
      scheduleArchive(session, Math.max(0, due));
    }
  }

  private void scheduleArchive(GameSession session, long delayMillis) {
    session.clock().schedule(() -> archiveNow(session), delayMillis);
  }

  /**
   * Archives an ended session now (the facilitator's session list may call this): its log is
   * closed, it takes no more commands that write, it stays replayable and exportable, and it no
   * longer counts as a live session. Runs on the session's thread; idempotent.
   */
  public CompletableFuture<Boolean> archive(String sessionId) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    onSession(sessionId, session -> done.complete(archiveNow(session)))
        .exceptionally(
            e -> {
              done.completeExceptionally(e);
              return null;
            });
    return done;
  }

  private boolean archiveNow(GameSession session) {
    if (session.archived()
        || session.phase() != org.quarterdeck.protocol.v1.Phase.ENDED
        || byId.get(session.id()) != session) {
      return false;
    }
    archivedCount.incrementAndGet();
    session
        .archive()
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                log.warn(
                    "session {}: closing its log on archive failed: {}",
                    session.id(),
                    error.toString());
                return;
              }
              disk.execute(() -> compact(session.id()));
            });
    return true;
  }

  /** Rewrites an archived session's closed log without what a replay does not need. Blocking. */
  private void compact(String id) {
    try {
      Journals.Stored stored = storage.read(id);
      if (stored.corrupt()) {
        log.info("session {} archived; its log is not compacted: {}", id, stored.problem());
        return;
      }
      java.util.Optional<java.util.List<org.quarterdeck.protocol.v1.SessionRecord>> compacted =
          ArchiveCompaction.compact(stored.records());
      if (compacted.isPresent()) {
        storage.rewrite(id, compacted.get());
        log.info(
            "session {} archived; its log compacted from {} to {} records",
            id,
            stored.records().size(),
            compacted.get().size());
      } else {
        log.info("session {} archived", id);
      }
    } catch (RuntimeException e) {
      log.warn(
          "session {}: compacting its archived log failed; it stays as it was: {}",
          id,
          e.toString());
    }
  }

  // ------------------------------------------------------------------ durability

  /**
   * Reloads every stored session by replaying its log through the engine. A log that is corrupt or
   * does not replay to its recorded hashes quarantines that session alone.
   *
   * @return how many sessions were recovered
   */
  public int recoverAll() {
    int recovered = 0;
    for (String id : storage.sessionIds()) {
      if (Thread.currentThread().isInterrupted()) {
        return recovered;
      }
      recovered += recover(id) ? 1 : 0;
    }
    return recovered;
  }

  /**
   * Loads one stored session by replaying its log (at start, or when a cluster node takes over a
   * session whose owner died). A log that is corrupt or does not replay to its recorded hashes
   * quarantines that session alone.
   *
   * @return whether the session now runs here
   */
  public boolean recover(String id) {
    requireNonNull(id, "id");
    if (byId.containsKey(id)) {
      return false;
    }
    Journals.Stored stored;
    try {
      stored = storage.recover(id);
    } catch (RuntimeException e) {
      // this log alone cannot be opened (permissions, a bad disk block): its session waits for
      // an operator, every other session serves
      quarantine(
          id, readableRecords(id), "its log cannot be opened for writing: " + rootMessage(e));
      return false;
    }
    if (stored.corrupt()) {
      quarantine(id, stored.records(), stored.problem());
      return false;
    }
    if (stored.records().isEmpty()) {
      // a crash while the session was created: SessionCreated waits for the first record, so
      // nobody was ever told of this session
      log.warn(
          "session {}: its log holds no record (a crash during CreateSession, never"
              + " acknowledged); removing it",
          id);
      storage.discard(id);
      return false;
    }
    SessionThread thread = threads.get();
    CompletableFuture<GameSession> done = new CompletableFuture<>();
    thread.execute(
        () -> {
          try {
            Outbox outbox = new Outbox(thread);
            GameSession session =
                SessionRebuilder.replay(stored.records(), thread, stored.journal(), outbox);
            register(session, thread);
            session.resumeAfterReplay();
            archiveIfEnded(session);
            done.complete(session);
          } catch (SessionRebuilder.ReplayException | RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    try {
      GameSession session = done.get();
      log.info(
          "session {} recovered: phase {}, turn {}", id, session.phase(), session.game().turn());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      quarantine(id, stored.records(), e.getCause().getMessage());
      return false;
    }
  }

  /** What can still be read of a log that cannot be recovered (to know its members), or none. */
  private java.util.List<org.quarterdeck.protocol.v1.SessionRecord> readableRecords(String id) {
    try {
      return storage.read(id).records();
    } catch (RuntimeException e) {
      return java.util.List.of();
    }
  }

  /**
   * Sets a session aside until an operator repairs its log. Everyone who holds one of its tokens or
   * its join code is told UNAVAILABLE with the reason (not UNAUTHENTICATED, which makes the player
   * page forget its token: the session may come back after a repair).
   */
  private void quarantine(
      String id,
      java.util.List<org.quarterdeck.protocol.v1.SessionRecord> records,
      String problem) {
    log.error("session {} quarantined: {}", id, problem);
    quarantined.put(id, problem);
    for (org.quarterdeck.protocol.v1.SessionRecord r : records) {
      switch (r.getEventCase()) {
        case OPENED -> {
          quarantinedByToken.put(r.getOpened().getFacilitatorTokenHash(), problem);
          quarantinedByCode.put(r.getOpened().getJoinCode(), problem);
        }
        case SEAT_TAKEN -> quarantinedByToken.put(r.getSeatTaken().getTokenHash(), problem);
        case SPECTATOR_ADMITTED ->
            quarantinedByToken.put(r.getSpectatorAdmitted().getTokenHash(), problem);
        default -> {}
      }
    }
  }

  /** Quarantines a live session whose log can no longer be read, with the members it has. */
  private void quarantine(GameSession session, String problem) {
    quarantine(session.id(), session.records(), problem);
    session.forEachMember(m -> quarantinedByToken.put(m.tokenHash, problem));
  }

  /** Sessions that could not be recovered, with the reason. */
  public Map<String, String> quarantined() {
    return Map.copyOf(quarantined);
  }

  /**
   * A record could not be written: rebuild the session from what is durable, so that its state is
   * again exactly its log, and show everyone connected the state they are really in.
   */
  private void rebuild(GameSession broken) {
    if (broken.openedDurably().isCompletedExceptionally()) {
      return; // never created: create() tells the creator and forgets it
    }
    if (!rebuilding.add(broken)) {
      return;
    }
    SessionThread thread = threadOf.get(broken);
    CompletableFuture.supplyAsync(() -> storage.read(broken.id()), disk)
        .whenComplete(
            (stored, error) ->
                thread.execute(
                    () -> {
                      rebuilding.remove(broken);
                      if (error != null) {
                        log.error(
                            "session {}: its log cannot be read back: {}",
                            broken.id(),
                            error.toString());
                        quarantine(broken, "its log cannot be read back: " + rootMessage(error));
                        unregister(broken);
                        return;
                      }
                      rebuildFrom(broken, thread, stored);
                    }));
  }

  private void rebuildFrom(GameSession broken, SessionThread thread, Journals.Stored stored) {
    if (stored.corrupt()) {
      quarantine(broken, stored.problem());
      unregister(broken);
      return;
    }
    if (stored.records().isEmpty()) {
      log.error("session {}: its first record was never saved; dropping it", broken.id());
      unregister(broken);
      return;
    }
    try {
      GameSession rebuilt =
          SessionRebuilder.replay(stored.records(), thread, broken.journal(), new Outbox(thread));
      broken.journal().reset(stored.records().size());
      // the rebuilt session is registered before the broken one is let go, so that its id,
      // join code and tokens are never unknown (a Resume in between was told "unknown or revoked
      // token"); unregister removes only the entries that still name the broken session
      register(rebuilt, thread);
      unregister(broken);
      for (Map.Entry<Long, Binding> e : bindings.entrySet()) {
        Binding b = e.getValue();
        if (b.session() != broken) {
          continue;
        }
        Member now = rebuilt.member(b.member().tokenHash);
        if (now == null) {
          bindings.remove(e.getKey());
          continue;
        }
        b.member().connections().forEach(now::attach);
        bindings.put(e.getKey(), new Binding(rebuilt, now));
        rebuilt.send(now, ServerMessage.newBuilder().setSnapshot(rebuilt.views().snapshot(now)));
      }
      rebuilt.resumeAfterReplay();
      log.warn("session {} rebuilt from its log after a storage failure", broken.id());
    } catch (SessionRebuilder.ReplayException e) {
      log.error(
          "session {} cannot be rebuilt after a storage failure: {}", broken.id(), e.getMessage());
      quarantine(broken, e.getMessage());
      unregister(broken);
    }
  }

  private void unregister(GameSession session) {
    byId.remove(session.id(), session);
    byCode.remove(session.joinCode(), session);
    byToken.values().removeIf(s -> s == session);
    threadOf.remove(session);
  }

  private String uniqueCode() {
    String code;
    do {
      code = JoinCodes.newCode();
    } while (byCode.containsKey(code));
    return code;
  }

  private static LoadedScenario scenario(CreateSession request) {
    try {
      return switch (request.getScenarioCase()) {
        case BUILTIN_SCENARIO -> {
          if (!ScenarioCatalog.builtInNames().contains(request.getBuiltinScenario())) {
            throw new UnknownScenario(
                "no built-in scenario '"
                    + request.getBuiltinScenario()
                    + "'; this server has "
                    + ScenarioCatalog.builtInNames());
          }
          yield ScenarioCatalog.builtIn(request.getBuiltinScenario());
        }
        case SCENARIO_TEXT -> {
          if (request.getScenarioText().length() > MAX_SCENARIO_CHARS) {
            throw new IllegalArgumentException(
                "scenario_text is limited to " + MAX_SCENARIO_CHARS + " characters");
          }
          yield ScenarioCatalog.fromText("upload", request.getScenarioText());
        }
        case SCENARIO_NOT_SET -> ScenarioCatalog.builtIn(ScenarioCatalog.defaultName());
      };
    } catch (ScenarioException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static SessionSettings settings(SessionSettings asked, LoadedScenario scenario) {
    SessionSettings.Builder s = asked.toBuilder();
    int min = Math.max(1, scenario.scenario().getMinTeams());
    int max =
        scenario.scenario().getMaxTeams() == 0
            ? MAX_TEAMS
            : Math.min(MAX_TEAMS, scenario.scenario().getMaxTeams());
    if (s.getTeams() == 0) {
      s.setTeams(Math.max(min, Math.min(max, 4)));
    }
    if (s.getTeams() < min || s.getTeams() > max) {
      throw new IllegalArgumentException(
          "settings.teams must be "
              + min
              + ".."
              + max
              + " for scenario "
              + scenario.id()
              + ", was "
              + s.getTeams());
    }
    if (s.getTurnDeadlineSeconds() > MAX_DEADLINE_SECONDS) {
      throw new IllegalArgumentException(
          "settings.turn_deadline_seconds is at most " + MAX_DEADLINE_SECONDS);
    }
    if (s.getPeoplePerTeam() > MAX_PEOPLE_PER_TEAM) {
      throw new IllegalArgumentException(
          "settings.people_per_team must be 0.."
              + MAX_PEOPLE_PER_TEAM
              + ", was "
              + s.getPeoplePerTeam());
    }
    if (s.getLastCallSeconds() > MAX_LAST_CALL_SECONDS) {
      throw new IllegalArgumentException(
          "settings.last_call_seconds is at most " + MAX_LAST_CALL_SECONDS);
    }
    if (s.getTitle().length() > MAX_TITLE_CHARS) {
      throw new IllegalArgumentException(
          "settings.title is limited to " + MAX_TITLE_CHARS + " characters");
    }
    Mode mode = WireMapping.mode(scenario.rules().mode());
    if (s.getMode() != Mode.MODE_UNSPECIFIED && s.getMode() != mode) {
      throw new IllegalArgumentException(
          "scenario "
              + scenario.id()
              + " is played in mode "
              + mode
              + "; choose a scenario written for "
              + s.getMode());
    }
    s.setMode(mode);
    if (s.getBotStrategiesCount() > s.getTeams()) {
      throw new IllegalArgumentException("settings.bot_strategies has more entries than teams");
    }
    for (int i = 0; i < s.getBotStrategiesCount(); i++) {
      String name = s.getBotStrategies(i);
      if (!name.isEmpty()) {
        try {
          Strategies.parse(name);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "settings.bot_strategies[" + i + "]: " + e.getMessage());
        }
      }
    }
    return s.build();
  }

  // ------------------------------------------------------------------ routing

  private interface WithToken {
    void accept(GameSession session, String token);
  }

  private interface WithMember {
    void accept(GameSession session, Member member);
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
    String problem = quarantinedByCode.get(JoinCodes.normalize(typedCode));
    if (session == null && problem != null) {
      c.sendError(rid, ErrorCode.UNAVAILABLE, "this session is quarantined: " + problem);
      return;
    }
    if (session == null) {
      guesses.failed(c.id(), address, now);
      c.sendError(rid, ErrorCode.NOT_FOUND, "no session has that join code");
      return;
    }
    String token = Tokens.newToken();
    run(session, c, rid, () -> action.accept(session, token));
  }

  /** A join code, or a facilitator's room name standing for their current session. */
  private GameSession sessionByCode(String typed) {
    GameSession session = byCode.get(JoinCodes.normalize(typed));
    if (session == null && typed != null) {
      session =
          desk.roomJoinCode(typed.strip().toLowerCase(java.util.Locale.ROOT))
              .map(byCode::get)
              .orElse(null);
    }
    return session;
  }

  /** The connection leaves whatever session it was bound to, as if it had disconnected. */
  private void unbind(Connection c) {
    Binding old = bindings.remove(c.id());
    if (old != null) {
      run(old.session(), () -> old.session().commands().disconnected(old.member(), c));
    }
  }

  private void bind(Connection c, GameSession session, Member member, String token) {
    if (member != null) {
      // A join link for another session wins over the connection's old seat (which stays
      // resumable with its token); a refused join leaves the old binding alone.
      unbind(c);
      bindings.put(c.id(), new Binding(session, member));
      byToken.put(Tokens.hash(token), session);
    }
  }

  private void resume(Connection c, long rid, String token) {
    String hash = Tokens.hash(token);
    GameSession session = byToken.get(hash);
    String problem = quarantinedByToken.get(hash);
    if (session == null && problem != null) {
      c.sendError(rid, ErrorCode.UNAVAILABLE, "this session is quarantined: " + problem);
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
        () -> {
          Member member = session.member(hash);
          // The map is keyed by the hash, so a hit is the member (or the facilitator, for a token
          // handed out when a signed-in facilitator reopened the session).
          if (member == null || member.removed) {
            session.error(c, rid, ErrorCode.UNAUTHENTICATED, "unknown or revoked token");
            return;
          }
          Binding old = bindings.get(c.id());
          if (old != null && old.member() != member) {
            // The connection moves on (a facilitator's next session): the old one lets it go.
            unbind(c);
          }
          Connection previous = member.connection;
          if (previous != null && previous != c && member.role != Role.FACILITATOR) {
            bindings.remove(previous.id());
          }
          bindings.put(c.id(), new Binding(session, member));
          session.commands().resume(c, rid, member);
        });
  }

  private void bound(Connection c, long rid, WithMember action) {
    Binding b = bindings.get(c.id());
    if (b == null) {
      c.sendError(rid, ErrorCode.UNAUTHENTICATED, "join, spectate or resume a session first");
      return;
    }
    run(
        b.session(),
        c,
        rid,
        () -> {
          b.member().lastSeenMs = b.session().clock().nowMillis();
          if (b.member().removed) {
            c.sendError(rid, ErrorCode.PERMISSION_DENIED, "you were removed from this session");
            return;
          }
          action.accept(b.session(), b.member());
        });
  }

  /** Drops the tokens and bindings of members the last command removed (kicks). */
  private void forgetRemoved(GameSession session) {
    bindings
        .entrySet()
        .removeIf(e -> e.getValue().session() == session && e.getValue().member().removed);
    byToken.entrySet().removeIf(e -> e.getValue() == session && session.member(e.getKey()) == null);
  }

  /**
   * Runs a task on the session's thread; false (and nothing run) when the session is no longer
   * registered: replaced by its rebuilt self, quarantined or dropped. Callers that owe someone an
   * answer must give it then.
   */
  private boolean run(GameSession session, Runnable task) {
    SessionThread thread = threadOf.get(session);
    if (thread == null) {
      log.warn("session {} is gone; a task for it was not run", session.id());
      return false;
    }
    thread.execute(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            log.error("session {} failed a command", session.id(), e);
          }
        });
    return true;
  }

  /** Starts a session in its lobby without a facilitator connection (the demo does). */
  public CompletableFuture<Void> start(String sessionId) {
    return onSession(
        sessionId,
        session -> {
          if (session.phase() == org.quarterdeck.protocol.v1.Phase.LOBBY) {
            session.openTurn();
          }
        });
  }

  /** Export formats. */
  public enum ExportFormat {
    CSV,
    JSON
  }

  /**
   * A session's export for its facilitator (the HTTP export route); fails with {@link
   * IllegalArgumentException} for an unknown session and {@link SecurityException} for a wrong
   * token.
   */
  public CompletableFuture<String> export(
      String sessionId, String facilitatorToken, ExportFormat format) {
    GameSession session = byId.get(sessionId == null ? "" : sessionId);
    if (session == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("no session " + sessionId));
    }
    CompletableFuture<String> result = new CompletableFuture<>();
    boolean dispatched =
        run(
            session,
            () -> {
              Member member =
                  session.member(Tokens.hash(facilitatorToken == null ? "" : facilitatorToken));
              if (member == null || member.role != org.quarterdeck.protocol.v1.Role.FACILITATOR) {
                result.completeExceptionally(
                    new SecurityException("the facilitator token is needed"));
                return;
              }
              try {
                result.complete(ReplayRequests.export(session, format));
              } catch (Exception e) {
                result.completeExceptionally(e);
              }
            });
    if (!dispatched) {
      result.completeExceptionally(
          new IllegalArgumentException(
              "no session " + sessionId + " (it is being restored or was set aside); try again"));
    }
    return result;
  }

  /**
   * Runs a client's command on its session's thread, unless the session is being restored from its
   * log after a storage failure: then the client is told to retry.
   */
  private void run(GameSession session, Connection c, long rid, Runnable task) {
    beforeDispatch.run();
    boolean dispatched =
        run(
            session,
            () -> {
              // from the moment a record is known lost until the rebuilt session replaces this one,
              // its
              // memory holds changes the log does not: nothing may be decided on it
              if (rebuilding.contains(session) || session.outbox().failed()) {
                c.send(restoring(rid));
                return;
              }
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

  /** The answer to a command routed to a session that is no longer registered. */
  private ServerMessage gone(GameSession session, long rid) {
    String problem = quarantined.get(session.id());
    if (problem != null) {
      return Errors.reply(rid, ErrorCode.UNAVAILABLE, "this session is quarantined: " + problem);
    }
    if (byId.containsKey(session.id()) || rebuilding.contains(session)) {
      // replaced by the session rebuilt from its log: the client resumes or retries on it
      return restoring(rid);
    }
    return Errors.reply(rid, ErrorCode.NOT_FOUND, "this session no longer exists");
  }

  /**
   * Test seam: runs after a client's command has been routed to a session and before it is handed
   * to that session's thread (a test swaps a rebuilt session in exactly there).
   */
  volatile Runnable beforeDispatch = () -> {};

  private static final int RESTORING_RETRY_MS = 1000;

  /** Runs a task on a session's thread (tests and the demo use it to inspect a session). */
  CompletableFuture<Void> onSession(
      String sessionId, java.util.function.Consumer<GameSession> task) {
    GameSession session = byId.get(sessionId);
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (session == null) {
      done.completeExceptionally(new IllegalArgumentException("no session " + sessionId));
      return done;
    }
    threadOf
        .get(session)
        .execute(
            () -> {
              task.accept(session);
              done.complete(null);
            });
    return done;
  }

  Collection<GameSession> sessions() {
    return byId.values();
  }

  private static String hostOf(Connection c) {
    String address = c.remoteAddress();
    int colon = address.lastIndexOf(':');
    return colon > 0 ? address.substring(0, colon) : address;
  }
}

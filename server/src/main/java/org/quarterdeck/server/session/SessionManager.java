package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.server.facilitator.ArchivedSessions;
import org.quarterdeck.server.facilitator.FacilitatorAccounts;
import org.quarterdeck.server.facilitator.SignIns;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.SessionGateway;
import org.quarterdeck.server.port.SessionKey;

/**
 * The session layer as the rest of the server sees it: a thin front over the parts that do the work
 * — {@link SessionRouter} (a message to its session), {@link SessionRegistry} (the sessions here,
 * by id, join code and token), {@link SessionFactory} (creating sessions), {@link SessionRecovery}
 * (start-up recovery, takeover, rebuilds) and {@link SessionArchive}.
 */
public final class SessionManager implements SessionGateway {
  static final int MAX_SCENARIO_CHARS = 48 * 1024;
  static final int MAX_TITLE_CHARS = 100;
  static final int MAX_PEOPLE_PER_TEAM = 8;
  static final int MAX_TEAMS = 60;
  static final int MAX_DEADLINE_SECONDS = 86_400;

  /** A last call is a moment to revise, not a second deadline. */
  static final int MAX_LAST_CALL_SECONDS = 120;

  /** Logs read and rebuilt at once at start when nobody says otherwise. */
  public static final int DEFAULT_RECOVERY_THREADS =
      Math.max(2, Runtime.getRuntime().availableProcessors());

  private final SessionRegistry registry = new SessionRegistry();
  private final ConnectionBindings bindings = new ConnectionBindings();
  private final SessionArchive archive;
  private final TakenOutSessions takenOut;
  private final SessionFactory factory;
  private final SessionRecovery recovery;
  private final SessionRouter router;
  private final String adminTokenHash;
  private final int joinFailuresPerMinute;
  private final SessionLimits limits;
  private volatile FacilitatorDesk desk;
  private volatile LongConsumer turnTimer = nanos -> {};
  private Executor takenOverBehind;

  /**
   * Test seam: runs after a client's command has been routed to a session and before it is handed
   * to that session's thread (a test swaps a rebuilt session in exactly there).
   */
  volatile Runnable beforeDispatch = () -> {};

  /** The thread (and clock) a session runs on. */
  public interface SessionThread extends Executor {
    SessionClock clock();

    boolean inThread();
  }

  /** A new session, as its facilitator learns of it. */
  public record Created(String sessionId, String joinCode, String facilitatorToken) {}

  /** Export formats. */
  public enum ExportFormat {
    CSV,
    JSON
  }

  /**
   * @param threads hands out a session thread for each new session (round robin over event loops)
   * @param storage where session logs are kept
   * @param adminToken when not null, creating a session needs this token
   * @param joinFailuresPerMinute wrong join codes or admin tokens one client address may send a
   *     minute before its connections that missed are refused (see {@link GuessLimiter}; a
   *     connection that has not missed is never refused)
   */
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
      Executor disk) {
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
      Executor disk,
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
      Executor disk,
      SessionLimits limits,
      LongSupplier wallClock) {
    requireNonNull(threads, "threads");
    requireNonNull(storage, "storage");
    this.limits = requireNonNull(limits, "limits");
    this.adminTokenHash = adminToken == null ? null : Tokens.hash(adminToken);
    this.joinFailuresPerMinute = joinFailuresPerMinute;
    GuessLimiter guesses = new GuessLimiter(joinFailuresPerMinute);
    this.archive = new SessionArchive(registry, bindings, storage, disk, limits);
    this.takenOut =
        new TakenOutSessions(
            registry,
            bindings,
            storage,
            disk,
            threads,
            archive::logClosed,
            TakenOutSessions.CAPACITY,
            limits.maxSpectatorsPerSession());
    this.factory =
        new SessionFactory(
            registry,
            threads,
            storage,
            this::register,
            adminTokenHash,
            maxSessions,
            guesses,
            limits,
            wallClock,
            () -> desk);
    this.recovery =
        new SessionRecovery(registry, threads, storage, this::register, archive, bindings, disk);
    this.router =
        new SessionRouter(
            registry,
            bindings,
            factory,
            recovery,
            guesses,
            () -> desk,
            takenOut,
            () -> beforeDispatch.run());
    useFacilitators(
        FacilitatorAccounts.none(),
        ArchivedSessions.inMemory(),
        ForkJoinPool.commonPool(),
        () -> "");
  }

  /** Every session, created or recovered, is wired the same way before anyone can reach it. */
  private void register(GameSession session, SessionThread thread) {
    session.timeTurns(turnTimer);
    registry.register(session, thread);
    session.outbox().onFailure(() -> recovery.rebuild(session));
    archive.archiveWhenEnded(session);
    archive.archiveWhenLobbyIdle(session);
    session.commands().limitSpectators(limits.maxSpectatorsPerSession());
    session.watchSummary(() -> desk.summaryChanged(session));
    if (desk.sharesSummaries()) {
      registry.run(session, () -> desk.summaryChanged(session));
    }
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
      Executor slowWork,
      Supplier<String> publicUrl) {
    useFacilitators(accounts, archived, slowWork, publicUrl, null);
  }

  /**
   * The same for a node of a cluster: the desk lists, opens and archives the facilitators' sessions
   * on every node, and sign-in credentials are good on every node ({@code shared}: null on a single
   * server).
   */
  public void useFacilitators(
      FacilitatorAccounts accounts,
      ArchivedSessions archived,
      Executor slowWork,
      Supplier<String> publicUrl,
      SharedDesk shared) {
    this.desk =
        new FacilitatorDesk(
            accounts,
            shared == null
                ? new SignIns(FacilitatorDesk.CREDENTIAL_LIFETIME_MS, System::currentTimeMillis)
                : SignIns.sealedWith(
                    shared.credentialKey(),
                    FacilitatorDesk.CREDENTIAL_LIFETIME_MS,
                    System::currentTimeMillis),
            adminTokenHash,
            archived,
            slowWork,
            publicUrl,
            new GuessLimiter(joinFailuresPerMinute),
            new FacilitatorDesk.Sessions() {
              @Override
              public java.util.List<GameSession> all() {
                return registry.sessions().stream().filter(s -> !registry.isCopy(s)).toList();
              }

              @Override
              public Collection<ArchivedSession> archived() {
                return java.util.Collections.unmodifiableCollection(registry.archivedSessions());
              }

              @Override
              public void admitFacilitatorToken(ArchivedSession archived, String tokenHash) {
                registry.admitArchivedToken(tokenHash, archived);
                GameSession copy = registry.byId(archived.id());
                if (copy != null) {
                  // found at once; a Resume queued behind this on the copy's thread finds the alias
                  registry.admitToken(tokenHash, copy);
                  registry.run(copy, () -> admitFacilitatorToken(copy, tokenHash));
                }
              }

              @Override
              public void onThread(GameSession session, Runnable task) {
                registry.run(session, task);
              }

              @Override
              public void admitFacilitatorToken(GameSession session, String tokenHash) {
                session.admitFacilitatorAlias(tokenHash);
                registry.admitToken(tokenHash, session);
              }
            },
            shared);
  }

  // ------------------------------------------------------------------ routing

  /**
   * Whether this server holds the session now, rebuilt or read and waiting for its rebuild (a
   * cluster node asks before it routes).
   */
  public boolean holds(String sessionId) {
    return registry.holds(sessionId) || recovery.pending(sessionId);
  }

  @Override
  public void handle(Connection c, ClientMessage m) {
    router.handle(c, m);
  }

  @Override
  public void disconnected(Connection c) {
    router.disconnected(c);
  }

  @Override
  public Optional<String> facilitatorPass(Connection c) {
    return desk.passFor(c);
  }

  /**
   * The id of the session this node runs under that id, join code or token; empty when it runs none
   * (on a cluster, {@code port.OwnerDirectory} says which node does).
   */
  public Optional<String> sessionHere(SessionKey key) {
    return registry.idOf(key);
  }

  /** The join code a facilitator's room link leads to now (their newest running session). */
  public Optional<String> roomJoinCode(String facilitatorName) {
    return desk.roomJoinCode(facilitatorName);
  }

  // ------------------------------------------------------------------ creation

  /**
   * Creates a session for an operator (the demo) without a connection; the future completes once
   * the session's first record is durable, and fails if it could not be stored.
   */
  public CompletableFuture<Created> create(CreateSession request) {
    return factory.create(request);
  }

  /** Starts a session in its lobby without a facilitator connection (the demo does). */
  public CompletableFuture<Void> start(String sessionId) {
    return onSession(
        sessionId,
        session -> {
          if (session.phase() == Phase.LOBBY) {
            session.openTurn();
          }
        });
  }

  /**
   * Tells {@code timer} how long each turn takes to resolve, in nanoseconds, for every session
   * created or recovered after this call (the composition root calls it before recovering).
   */
  public void timeTurns(LongConsumer timer) {
    turnTimer = requireNonNull(timer, "timer");
  }

  // ------------------------------------------------------------------ figures

  public int sessionCount() {
    return registry.size();
  }

  /** Sessions not archived: in their lobby, playing, or ended less than archiveAfter ago. */
  public int liveSessionCount() {
    return registry.liveCount();
  }

  /** Archived sessions held (their logs closed; only a summary of each is kept in memory). */
  public int archivedSessionCount() {
    return registry.archivedCount();
  }

  /** Copies of archived sessions rebuilt from their logs and kept now (a bounded few). */
  public int archivedSessionsTakenOut() {
    return takenOut.size();
  }

  /**
   * How many sessions are in each phase, for metrics. Phases are read off the sessions' threads
   * without synchronisation: a count may be one transition behind, which a gauge tolerates.
   */
  public Map<String, Long> sessionsByPhase() {
    Map<String, Long> counts = new TreeMap<>();
    for (GameSession session : registry.sessions()) {
      if (!registry.isCopy(session)) {
        counts.merge(session.phase().name(), 1L, Long::sum);
      }
    }
    int archived = registry.archivedCount();
    if (archived > 0) {
      counts.merge(Phase.ENDED.name(), (long) archived, Long::sum);
    }
    return counts;
  }

  // ------------------------------------------------------------------ archiving and export

  /**
   * Archives an ended session now (the facilitator's session list may call this): its log is
   * closed, it takes no more commands that write, it stays replayable and exportable, and it no
   * longer counts as a live session. Runs on the session's thread; idempotent.
   */
  public CompletableFuture<Boolean> archive(String sessionId) {
    return archive.archive(sessionId);
  }

  /**
   * A session's export for its facilitator (the HTTP export route); fails with {@link
   * IllegalArgumentException} for an unknown session and {@link SecurityException} for a wrong
   * token.
   */
  public CompletableFuture<String> export(
      String sessionId, String facilitatorToken, ExportFormat format) {
    GameSession session = registry.byId(sessionId);
    CompletableFuture<Boolean> rebuilding =
        session == null ? recovery.rebuildFirst(sessionId) : null;
    if (rebuilding != null) {
      return rebuilding.thenCompose(ok -> export(sessionId, facilitatorToken, format));
    }
    if (session == null && registry.archived(sessionId) != null) {
      // archived: exported from a copy read from its log
      return takenOut
          .takeOut(sessionId)
          .thenCompose(
              ok ->
                  registry.byId(sessionId) == null
                      ? CompletableFuture.failedFuture(
                          new IllegalArgumentException(
                              "session " + sessionId + " was just archived; try again"))
                      : export(sessionId, facilitatorToken, format));
    }
    if (session == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("no session " + sessionId));
    }
    CompletableFuture<String> result = new CompletableFuture<>();
    takenOut.touch(session);
    boolean dispatched =
        registry.run(
            session,
            () -> {
              String hash = Tokens.hash(facilitatorToken == null ? "" : facilitatorToken);
              Member member = session.member(hash);
              if (member == null
                  && desk.openedSession(facilitatorToken).filter(sessionId::equals).isPresent()) {
                // opened through a node that served the session before this one took it over
                session.admitFacilitatorAlias(hash);
                registry.admitToken(hash, session);
                member = session.member(hash);
              }
              if (member == null || member.role != Role.FACILITATOR) {
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

  // ------------------------------------------------------------------ durability

  /**
   * Reloads every stored session from its log, one after another on the caller's thread. A log that
   * is corrupt or does not replay to its recorded hashes quarantines that session alone.
   *
   * @return how many sessions were recovered
   */
  public int recoverAll() {
    return recoverAll(1);
  }

  /**
   * The same, {@code parallelism} logs at a time (read on a pool, rebuilt on the sessions' own
   * threads); the server passes {@link #DEFAULT_RECOVERY_THREADS} or the operator's choice.
   */
  public int recoverAll(int parallelism) {
    return recovery.recoverAll(parallelism);
  }

  /**
   * Serves at once and rebuilds behind: reads every stored log ({@code parallelism} at a time) and
   * returns once each session can be served — a request that names one not rebuilt yet waits for
   * its rebuild, and one whose deadline falls due is rebuilt then — while the rest are rebuilt on a
   * background thread, the soonest deadline first. The future completes once every session is
   * rebuilt (or quarantined), with how many run here.
   */
  public CompletableFuture<Integer> serveWhileRebuilding(int parallelism) {
    return recovery.serveWhileRebuilding(
        parallelism,
        task -> {
          Thread t = new Thread(task, "quarterdeck-rebuild-behind");
          t.setDaemon(true);
          t.start();
        });
  }

  /** The same, rebuilding behind on {@code behind} (tests hold it back). */
  CompletableFuture<Integer> serveWhileRebuilding(int parallelism, Executor behind) {
    return recovery.serveWhileRebuilding(parallelism, behind);
  }

  /** Sessions read at start and not rebuilt yet (see {@link #serveWhileRebuilding}). */
  public int sessionsToRebuild() {
    return recovery.pendingCount();
  }

  /**
   * Loads one stored session from its log (at start, or when a cluster node takes over a session
   * whose owner died). A log that is corrupt or does not replay to its recorded hashes quarantines
   * that session alone.
   *
   * @return whether the session now runs here
   */
  public boolean recover(String id) {
    return recovery.recover(id);
  }

  /**
   * One chunk of a takeover, as it is served.
   *
   * @param serving how many now serve here (read and indexed; not quarantined)
   * @param rebuilt completes once every one is rebuilt (or quarantined), with how many run here
   */
  public record TakenOver(int serving, CompletableFuture<Integer> rebuilt) {}

  /**
   * Serves sessions this cluster node has just claimed from a node that died or left, as start-up
   * serves the file store's: each is read and indexed and answers at once (a request that names one
   * waits for its rebuild; a deadline that falls due rebuilds it then), and all are rebuilt behind
   * on one background thread, the soonest deadline first.
   */
  public TakenOver takeOver(List<String> sessionIds) {
    return takeOver(sessionIds, takenOverBehind());
  }

  /** The same, rebuilding behind on {@code behind} (tests hold it back). */
  TakenOver takeOver(List<String> sessionIds, Executor behind) {
    return recovery.takeOver(List.copyOf(sessionIds), behind);
  }

  private synchronized Executor takenOverBehind() {
    if (takenOverBehind == null) {
      takenOverBehind =
          java.util.concurrent.Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "quarterdeck-takeover-rebuilds");
                t.setDaemon(true);
                return t;
              });
    }
    return takenOverBehind;
  }

  /** How far start-up recovery has come (for /healthz readiness and the log). */
  public RecoveryProgress recoveryProgress() {
    return recovery.progress();
  }

  /** Sessions that could not be recovered, with the reason. */
  public Map<String, String> quarantined() {
    return registry.quarantined();
  }

  // ------------------------------------------------------------------ tests and the demo

  /** Runs a task on a session's thread (tests and the demo use it to inspect a session). */
  CompletableFuture<Void> onSession(String sessionId, Consumer<GameSession> task) {
    return registry.onSession(sessionId, task);
  }

  Collection<GameSession> sessions() {
    return registry.sessions();
  }
}

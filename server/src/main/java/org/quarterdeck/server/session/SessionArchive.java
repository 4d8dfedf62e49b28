package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives ended sessions when their time comes (or when a facilitator asks), and lobbies nobody
 * starts once they have been idle long enough: the log is closed and compacted off the event loops,
 * the session is let go of and only its summary ({@link ArchivedSession}) stays in memory; it stays
 * replayable and exportable from its log ({@link TakenOutSessions}) and no longer counts as live.
 */
final class SessionArchive {
  private static final Logger log = LoggerFactory.getLogger(SessionArchive.class);

  private final SessionRegistry registry;
  private final Journals storage;
  private final Executor disk;
  private final long archiveAfterMillis;
  private final long lobbyIdleMillis;
  private final ConnectionBindings bindings;

  /** Logs of sessions archived now whose closing has not completed yet. */
  private final Map<String, CompletableFuture<Void>> closing = new ConcurrentHashMap<>();

  SessionArchive(
      SessionRegistry registry,
      ConnectionBindings bindings,
      Journals storage,
      Executor disk,
      SessionLimits limits) {
    this.registry = requireNonNull(registry, "registry");
    this.bindings = requireNonNull(bindings, "bindings");
    this.storage = requireNonNull(storage, "storage");
    this.disk = requireNonNull(disk, "disk");
    this.archiveAfterMillis = limits.archiveAfter().toMillis();
    this.lobbyIdleMillis = limits.lobbyIdle().toMillis();
  }

  /**
   * A session in its lobby is closed and archived once nobody has sent it a request for {@code
   * lobbyIdle} (checked when that time would be up, again later if someone came meanwhile).
   */
  void archiveWhenLobbyIdle(GameSession session) {
    if (lobbyIdleMillis > 0) {
      later(session, lobbyIdleMillis, this::checkLobby);
    }
  }

  /**
   * Runs {@code task} on the session's clock after {@code delayMillis}, holding the session weakly:
   * a session archived (by its facilitator) before its timer is up must not be kept in memory by
   * the timer (a lobby's is a day, an ended session's an hour by default).
   */
  private static void later(
      GameSession session, long delayMillis, java.util.function.Consumer<GameSession> task) {
    WeakReference<GameSession> held = new WeakReference<>(session);
    session
        .clock()
        .schedule(
            () -> {
              GameSession s = held.get();
              if (s != null) {
                task.accept(s);
              }
            },
            delayMillis);
  }

  private void checkLobby(GameSession session) {
    if (session.phase() != Phase.LOBBY || registry.byId(session.id()) != session) {
      return; // started, ended or replaced by its rebuilt self (which has its own check)
    }
    long idleMillis = session.clock().nowMillis() - session.lastActivityMs();
    if (idleMillis < lobbyIdleMillis) {
      later(session, lobbyIdleMillis - idleMillis, this::checkLobby);
      return;
    }
    log.info(
        "session {}: its lobby saw no request for {} min; closed and archived",
        session.id(),
        idleMillis / 60_000);
    session.closeIdleLobby(
        "nobody started this session for "
            + lobbyIdleMillis / 60_000
            + " minutes, so it was closed; ask the facilitator for a new one");
    archiveNow(session);
  }

  /** A session that ends is archived {@code archiveAfter} later. */
  void archiveWhenEnded(GameSession session) {
    session.onEnded(() -> schedule(session, archiveAfterMillis));
  }

  /** A recovered session that had ended: archived when its time comes, counted from its end. */
  void archiveIfEnded(GameSession session) {
    long endedAt = session.endedAtMs();
    if (endedAt >= 0) {
      long due = endedAt + archiveAfterMillis - session.clock().nowMillis();
      schedule(session, Math.max(0, due));
    }
  }

  private void schedule(GameSession session, long delayMillis) {
    later(session, delayMillis, this::archiveNow);
  }

  /**
   * Archives an ended session now (the facilitator's session list may call this): its log is
   * closed, it takes no more commands that write, it stays replayable and exportable, and it no
   * longer counts as a live session. Runs on the session's thread; idempotent.
   */
  CompletableFuture<Boolean> archive(String sessionId) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    registry
        .onSession(sessionId, session -> done.complete(archiveNow(session)))
        .exceptionally(
            e -> {
              done.completeExceptionally(e);
              return null;
            });
    return done;
  }

  private boolean archiveNow(GameSession session) {
    if (session.archived()
        || session.phase() != Phase.ENDED
        || registry.byId(session.id()) != session
        || registry.isCopy(session)) {
      return false;
    }
    String id = session.id();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    closing.put(id, closed);
    registry.putAway(session, ArchivedSession.of(session));
    bindings.shelve(session);
    session
        .archive()
        .whenComplete(
            (ok, error) -> {
              closing.remove(id, closed);
              closed.complete(null); // a log that failed to close is read as it is
              if (error != null) {
                log.warn("session {}: closing its log on archive failed: {}", id, error.toString());
                return;
              }
              disk.execute(() -> compact(id));
            });
    return true;
  }

  /**
   * Completes once the log of a session being archived is closed (its last records are written); at
   * once for any other session.
   */
  CompletableFuture<Void> logClosed(String id) {
    return closing.getOrDefault(id, CompletableFuture.completedFuture(null));
  }

  /**
   * A log read at start whose session ended more than {@code archiveAfter} ago is kept as its
   * summary, without replaying it: its journal is closed (and the log compacted, as archiving
   * does). False, and nothing done, for any other log (it is rebuilt as usual) or one whose summary
   * cannot be read (its rebuild then says why).
   */
  boolean keepIfArchived(Journals.Stored stored, SessionClock clock) {
    List<SessionRecord> records = stored.records();
    if (records.isEmpty() || !records.get(records.size() - 1).hasClosed()) {
      return false;
    }
    long endedAt = records.get(records.size() - 1).getAtMs();
    if (endedAt + archiveAfterMillis > clock.nowMillis()) {
      return false; // archived when its time comes, after its rebuild
    }
    ArchivedSession summary;
    try {
      summary = ArchivedSession.fromLog(records);
    } catch (SessionRebuilder.ReplayException | RuntimeException e) {
      return false;
    }
    registry.keep(summary);
    // compacted from what was read (only old logs have anything to drop): no second read, and
    // nothing of the records is held until the rewrite runs unless there is something to rewrite
    Optional<List<SessionRecord>> compacted = ArchiveCompaction.compact(records);
    SessionJournal journal = stored.journal();
    CompletableFuture<Void> closed =
        journal == null ? CompletableFuture.completedFuture(null) : journal.close();
    compacted.ifPresent(
        shorter ->
            closed.whenComplete(
                (ok, error) -> disk.execute(() -> rewrite(summary.id(), records, shorter))));
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
      Optional<List<SessionRecord>> compacted = ArchiveCompaction.compact(stored.records());
      if (compacted.isPresent()) {
        rewrite(id, stored.records(), compacted.get());
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

  private void rewrite(String id, List<SessionRecord> records, List<SessionRecord> compacted) {
    try {
      storage.rewrite(id, compacted);
      log.info(
          "session {} archived; its log compacted from {} to {} records",
          id,
          records.size(),
          compacted.size());
    } catch (RuntimeException e) {
      log.warn(
          "session {}: compacting its archived log failed; it stays as it was: {}",
          id,
          e.toString());
    }
  }
}

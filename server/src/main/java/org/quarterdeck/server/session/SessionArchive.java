package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives ended sessions when their time comes (or when a facilitator asks), and lobbies nobody
 * starts once they have been idle long enough: the log is closed and compacted off the event loops,
 * the session stays replayable and exportable and no longer counts as live.
 */
final class SessionArchive {
  private static final Logger log = LoggerFactory.getLogger(SessionArchive.class);

  private final SessionRegistry registry;
  private final Journals storage;
  private final Executor disk;
  private final long archiveAfterMillis;
  private final long lobbyIdleMillis;

  SessionArchive(SessionRegistry registry, Journals storage, Executor disk, SessionLimits limits) {
    this.registry = requireNonNull(registry, "registry");
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
      session.clock().schedule(() -> checkLobby(session), lobbyIdleMillis);
    }
  }

  private void checkLobby(GameSession session) {
    if (session.phase() != Phase.LOBBY || registry.byId(session.id()) != session) {
      return; // started, ended or replaced by its rebuilt self (which has its own check)
    }
    long idleMillis = session.clock().nowMillis() - session.lastActivityMs();
    if (idleMillis < lobbyIdleMillis) {
      session.clock().schedule(() -> checkLobby(session), lobbyIdleMillis - idleMillis);
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
    session.clock().schedule(() -> archiveNow(session), delayMillis);
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
        || registry.byId(session.id()) != session) {
      return false;
    }
    registry.countArchived();
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
      Optional<List<SessionRecord>> compacted = ArchiveCompaction.compact(stored.records());
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
}

package org.quarterdeck.server.session;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.server.port.SessionKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions this node runs, by id, join code and token hash, each with the thread it runs on;
 * the archived ones as summaries ({@link ArchivedSession}) by the same names, and the copies of
 * archived sessions taken out to answer a request ({@link TakenOutSessions}); and the sessions set
 * aside (quarantined) with the reason. Which node runs a session it does not hold is the cluster's
 * question ({@code port.OwnerDirectory}), not this one's.
 */
final class SessionRegistry {
  private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

  private final Map<String, GameSession> byId = new ConcurrentHashMap<>();
  private final Map<String, GameSession> byCode = new ConcurrentHashMap<>();
  private final Map<String, GameSession> byToken = new ConcurrentHashMap<>();
  private final Map<GameSession, SessionManager.SessionThread> threadOf = new ConcurrentHashMap<>();
  private final Map<String, String> quarantinedByToken = new ConcurrentHashMap<>();
  private final Map<String, String> quarantinedByCode = new ConcurrentHashMap<>();
  private final Map<String, String> quarantined = new ConcurrentHashMap<>();
  private final Map<String, ArchivedSession> archivedById = new ConcurrentHashMap<>();
  private final Map<String, ArchivedSession> archivedByCode = new ConcurrentHashMap<>();
  private final Map<String, ArchivedSession> archivedByToken = new ConcurrentHashMap<>();
  private final Set<GameSession> copies = ConcurrentHashMap.newKeySet();

  // ------------------------------------------------------------------ by name

  /** The id of the session this node runs (or keeps archived) under that id, join code or token. */
  Optional<String> idOf(SessionKey key) {
    GameSession session =
        switch (key.kind()) {
          case SESSION_ID -> byId.get(key.value());
          case JOIN_CODE -> byCode.get(key.value());
          case TOKEN_HASH -> byToken.get(key.value());
        };
    if (session != null) {
      return Optional.of(session.id());
    }
    return Optional.ofNullable(archived(key)).map(ArchivedSession::id);
  }

  // ------------------------------------------------------------------ sessions here

  void register(GameSession session, SessionManager.SessionThread thread) {
    threadOf.put(session, thread);
    byId.put(session.id(), session);
    byCode.put(session.joinCode(), session);
    session.forEachMember(m -> byToken.put(m.tokenHash, session));
  }

  /**
   * Registers a copy of an archived session taken out of the archive (its summary stays); false,
   * and nothing registered, when a session of that id is registered already (another copy).
   */
  synchronized boolean registerCopy(GameSession copy, SessionManager.SessionThread thread) {
    copies.add(copy);
    if (byId.putIfAbsent(copy.id(), copy) != null) {
      copies.remove(copy);
      return false;
    }
    register(copy, thread);
    return true;
  }

  /** Forgets a session; entries that already name another session (its rebuilt self) stay. */
  void unregister(GameSession session) {
    byId.remove(session.id(), session);
    byCode.remove(session.joinCode(), session);
    byToken.values().removeIf(s -> s == session);
    threadOf.remove(session);
    copies.remove(session);
  }

  GameSession byId(String id) {
    return byId.get(id == null ? "" : id);
  }

  /** Whether this node runs or keeps archived a session of that id. */
  boolean holds(String id) {
    return byId.containsKey(id) || archivedById.containsKey(id);
  }

  GameSession byCode(String normalizedCode) {
    return byCode.get(normalizedCode);
  }

  boolean codeTaken(String code) {
    return byCode.containsKey(code) || archivedByCode.containsKey(code);
  }

  GameSession byTokenHash(String hash) {
    return byToken.get(hash);
  }

  /** A new token (a seat taken, a facilitator's alias) now leads to {@code session}. */
  void admitToken(String hash, GameSession session) {
    byToken.put(hash, session);
  }

  void forgetToken(String hash) {
    byToken.remove(hash);
  }

  void forgetToken(String hash, GameSession session) {
    byToken.remove(hash, session);
  }

  /** Drops the tokens of {@code session} that no longer name one of its members (kicks). */
  void forgetRemovedTokens(GameSession session) {
    byToken.entrySet().removeIf(e -> e.getValue() == session && session.member(e.getKey()) == null);
  }

  /** The thread a registered session runs on, or null once it is unregistered. */
  SessionManager.SessionThread threadOf(GameSession session) {
    return threadOf.get(session);
  }

  /**
   * Runs a task on the session's thread; false (and nothing run) when the session is no longer
   * registered: replaced by its rebuilt self, quarantined or dropped. Callers that owe someone an
   * answer must give it then.
   */
  boolean run(GameSession session, Runnable task) {
    SessionManager.SessionThread thread = threadOf.get(session);
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

  /** Runs a task on a session's thread (tests, the demo and the archive use it). */
  java.util.concurrent.CompletableFuture<Void> onSession(
      String sessionId, java.util.function.Consumer<GameSession> task) {
    GameSession session = byId(sessionId);
    java.util.concurrent.CompletableFuture<Void> done =
        new java.util.concurrent.CompletableFuture<>();
    SessionManager.SessionThread thread = session == null ? null : threadOf.get(session);
    if (thread == null) {
      done.completeExceptionally(new IllegalArgumentException("no session " + sessionId));
      return done;
    }
    thread.execute(
        () -> {
          try {
            task.accept(session);
            done.complete(null);
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    return done;
  }

  Collection<GameSession> sessions() {
    return byId.values();
  }

  /** Sessions held: live ones and archived ones (a copy taken out counts once, as archived). */
  int size() {
    return liveCount() + archivedCount();
  }

  /** Sessions not archived. */
  int liveCount() {
    return Math.max(0, byId.size() - copies.size());
  }

  /** Whether the session is a copy of an archived one taken out to answer a request. */
  boolean isCopy(GameSession session) {
    return copies.contains(session);
  }

  // ------------------------------------------------------------------ archived

  /**
   * Keeps an archived session as its summary and lets go of the session itself: its names lead to
   * the summary from now on (the summary is in place before the session leaves, so a name is never
   * unknown in between).
   */
  void putAway(GameSession session, ArchivedSession summary) {
    keep(summary);
    unregister(session);
  }

  /** Keeps a summary read from a log at start. */
  void keep(ArchivedSession summary) {
    archivedById.put(summary.id(), summary);
    archivedByCode.put(summary.joinCode(), summary);
    for (String hash : summary.tokenHashes()) {
      archivedByToken.put(hash, summary);
    }
    for (String hash : summary.facilitatorAliases()) {
      archivedByToken.put(hash, summary);
    }
  }

  /** A further facilitator token for an archived session (a facilitator reopening it). */
  void admitArchivedToken(String hash, ArchivedSession summary) {
    summary.admitFacilitatorAlias(hash);
    archivedByToken.put(hash, summary);
  }

  ArchivedSession archived(String id) {
    return id == null ? null : archivedById.get(id);
  }

  /** The archived session a name leads to, or null. */
  ArchivedSession archived(SessionKey key) {
    return switch (key.kind()) {
      case SESSION_ID -> archivedById.get(key.value());
      case JOIN_CODE -> archivedByCode.get(key.value());
      case TOKEN_HASH -> archivedByToken.get(key.value());
    };
  }

  Collection<ArchivedSession> archivedSessions() {
    return archivedById.values();
  }

  int archivedCount() {
    return archivedById.size();
  }

  // ------------------------------------------------------------------ quarantined

  /**
   * Sets a session aside until an operator repairs its log. Everyone who holds one of its tokens or
   * its join code is told UNAVAILABLE with the reason (not UNAUTHENTICATED, which makes the player
   * page forget its token: the session may come back after a repair).
   */
  void quarantine(String id, List<SessionRecord> records, String problem) {
    log.error("session {} quarantined: {}", id, problem);
    quarantined.put(id, problem);
    for (SessionRecord r : records) {
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
  void quarantine(GameSession session, String problem) {
    quarantine(session.id(), session.records(), problem);
    session.forEachMember(m -> quarantinedByToken.put(m.tokenHash, problem));
  }

  /** Why the session is quarantined, or null. */
  String quarantinedBecause(String id) {
    return quarantined.get(id);
  }

  String quarantinedByCode(String normalizedCode) {
    return quarantinedByCode.get(normalizedCode);
  }

  String quarantinedByToken(String hash) {
    return quarantinedByToken.get(hash);
  }

  Map<String, String> quarantined() {
    return Map.copyOf(quarantined);
  }
}

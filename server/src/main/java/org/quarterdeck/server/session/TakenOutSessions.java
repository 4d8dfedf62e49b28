package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archived sessions taken out of the archive to answer a request (a replay, a what-if, an export, a
 * player back at the end screen): rebuilt from their logs, read-only, and registered like any
 * session until {@link #CAPACITY} others were taken out since their last use; then they are put
 * back — unregistered, their connections' places shelved — and only the summary stays. So the heap
 * archived sessions take is bounded by a count, not by how many there are.
 */
final class TakenOutSessions {
  private static final Logger log = LoggerFactory.getLogger(TakenOutSessions.class);

  /** Copies of archived sessions kept at once (the least recently used is put back). */
  static final int CAPACITY = 16;

  private final SessionRegistry registry;
  private final ConnectionBindings bindings;
  private final Journals storage;
  private final Executor disk;
  private final Supplier<SessionManager.SessionThread> threads;
  private final Function<String, CompletableFuture<Void>> logClosed;
  private final int capacity;
  private final int maxSpectators;
  private final Map<String, CompletableFuture<Boolean>> takingOut = new ConcurrentHashMap<>();

  /** The copies, the least recently used first. Guarded by itself. */
  private final LinkedHashMap<String, GameSession> out = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * @param logClosed completes once the log of a session being archived now is closed (its last
   *     records are on disk), at once for any other
   */
  TakenOutSessions(
      SessionRegistry registry,
      ConnectionBindings bindings,
      Journals storage,
      Executor disk,
      Supplier<SessionManager.SessionThread> threads,
      Function<String, CompletableFuture<Void>> logClosed,
      int capacity,
      int maxSpectators) {
    this.registry = requireNonNull(registry, "registry");
    this.bindings = requireNonNull(bindings, "bindings");
    this.storage = requireNonNull(storage, "storage");
    this.disk = requireNonNull(disk, "disk");
    this.threads = requireNonNull(threads, "threads");
    this.logClosed = requireNonNull(logClosed, "logClosed");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.maxSpectators = maxSpectators;
  }

  /**
   * Takes an archived session out (reads its log off the event loops and rebuilds it on a session
   * thread), unless a copy is registered already; completes with true once a copy is registered,
   * and fails with the reason when the log cannot be read or replayed.
   */
  CompletableFuture<Boolean> takeOut(String id) {
    ArchivedSession summary = registry.archived(id);
    if (summary == null) {
      return CompletableFuture.completedFuture(false);
    }
    GameSession registered = registry.byId(id);
    if (registered != null) {
      touch(registered);
      return CompletableFuture.completedFuture(true);
    }
    CompletableFuture<Boolean> fresh = new CompletableFuture<>();
    CompletableFuture<Boolean> running = takingOut.putIfAbsent(id, fresh);
    if (running != null) {
      return running;
    }
    fresh.whenComplete((ok, error) -> takingOut.remove(id, fresh));
    logClosed
        .apply(id)
        .thenApplyAsync(v -> storage.read(id), disk)
        .whenComplete(
            (stored, error) -> {
              if (error != null) {
                fresh.completeExceptionally(error);
              } else if (stored.corrupt()) {
                fresh.completeExceptionally(
                    new IllegalStateException("its log cannot be read: " + stored.problem()));
              } else {
                SessionManager.SessionThread thread = threads.get();
                thread.execute(() -> rebuild(summary, stored, thread, fresh));
              }
            });
    return fresh;
  }

  private void rebuild(
      ArchivedSession summary,
      Journals.Stored stored,
      SessionManager.SessionThread thread,
      CompletableFuture<Boolean> done) {
    try {
      if (registry.archived(summary.id()) != summary) {
        done.complete(false); // taken over elsewhere meanwhile
        return;
      }
      GameSession copy =
          SessionRebuilder.replay(stored.records(), thread, READ_ONLY, new Outbox(thread));
      copy.archive();
      for (String alias : summary.facilitatorAliases()) {
        copy.admitFacilitatorAlias(alias);
      }
      copy.commands().limitSpectators(maxSpectators);
      if (!registry.registerCopy(copy, thread)) {
        done.complete(true); // taken out by another request meanwhile: that copy serves
        return;
      }
      for (String alias : summary.facilitatorAliases()) {
        registry.admitToken(alias, copy);
      }
      log.debug("archived session {} taken out of the archive", summary.id());
      touch(copy);
      done.complete(true);
    } catch (SessionRebuilder.ReplayException | RuntimeException e) {
      done.completeExceptionally(
          new IllegalStateException("its log does not replay: " + e.getMessage(), e));
    }
  }

  /** The copy was used now; the least recently used ones past the capacity are put back. */
  void touch(GameSession copy) {
    if (!registry.isCopy(copy)) {
      return;
    }
    Map<String, GameSession> putBack = new LinkedHashMap<>();
    synchronized (out) {
      out.put(copy.id(), copy);
      var eldest = out.entrySet().iterator();
      while (out.size() > capacity && eldest.hasNext()) {
        Map.Entry<String, GameSession> e = eldest.next();
        putBack.put(e.getKey(), e.getValue());
        eldest.remove();
      }
    }
    putBack.values().forEach(this::putBack);
  }

  /** Lets go of a copy: its summary stays; its connections' places are shelved. */
  private void putBack(GameSession copy) {
    SessionManager.SessionThread thread = registry.threadOf(copy);
    if (thread == null) {
      return;
    }
    thread.execute(
        () -> {
          registry.unregister(copy);
          bindings.shelve(copy);
          log.debug("archived session {} put back", copy.id());
        });
  }

  /** Copies kept now (at most the capacity). */
  int size() {
    synchronized (out) {
      return out.size();
    }
  }

  /** A copy never writes: everything that would is refused because it is archived. */
  private static final SessionJournal READ_ONLY =
      new SessionJournal() {
        @Override
        public CompletableFuture<Void> append(SessionRecord record) {
          return CompletableFuture.failedFuture(
              new IllegalStateException("an archived session's log is closed"));
        }
      };
}

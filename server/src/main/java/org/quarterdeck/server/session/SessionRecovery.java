package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings sessions back from their logs by applying what the logs record: every stored session at
 * start (read and rebuilt by a bounded pool, with progress), one session a cluster node takes over
 * ({@link #recover}), and a live session whose record could not be written ({@link #rebuild}). A
 * log that cannot be opened, is corrupt or does not replay to its recorded hashes quarantines its
 * session alone.
 */
final class SessionRecovery {
  private static final Logger log = LoggerFactory.getLogger(SessionRecovery.class);

  private final SessionRegistry registry;
  private final Supplier<SessionManager.SessionThread> threads;
  private final Journals storage;
  private final BiConsumer<GameSession, SessionManager.SessionThread> register;
  private final SessionArchive archive;
  private final ConnectionBindings bindings;
  private final Executor disk;
  private final RecoveryProgress progress = new RecoveryProgress();
  private final Set<GameSession> rebuilding = ConcurrentHashMap.newKeySet();

  SessionRecovery(
      SessionRegistry registry,
      Supplier<SessionManager.SessionThread> threads,
      Journals storage,
      BiConsumer<GameSession, SessionManager.SessionThread> register,
      SessionArchive archive,
      ConnectionBindings bindings,
      Executor disk) {
    this.registry = requireNonNull(registry, "registry");
    this.threads = requireNonNull(threads, "threads");
    this.storage = requireNonNull(storage, "storage");
    this.register = requireNonNull(register, "register");
    this.archive = requireNonNull(archive, "archive");
    this.bindings = requireNonNull(bindings, "bindings");
    this.disk = requireNonNull(disk, "disk");
  }

  RecoveryProgress progress() {
    return progress;
  }

  /**
   * Reloads every stored session, {@code parallelism} logs at a time: each is read on a pool thread
   * and rebuilt on its session's own thread (the event loops), so reading and rebuilding overlap
   * across cores. Blocks until all are done.
   *
   * @return how many sessions were recovered
   */
  int recoverAll(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
    }
    List<String> ids = storage.sessionIds();
    progress.begin(ids.size());
    if (parallelism == 1) {
      return recoverInTurn(ids);
    }
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(parallelism, ids.size())),
            r -> {
              Thread t = new Thread(r, "quarterdeck-recovery-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Boolean>> results = new ArrayList<>(ids.size());
      for (String id : ids) {
        results.add(
            pool.submit(
                () -> {
                  try {
                    return recover(id);
                  } finally {
                    progress.step();
                  }
                }));
      }
      int recovered = 0;
      for (Future<Boolean> result : results) {
        recovered += result.get() ? 1 : 0;
      }
      return recovered;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return registry.size();
    } catch (ExecutionException e) {
      throw new IllegalStateException("recovery failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
      progress.finish();
    }
  }

  /** One log after another on the caller's thread (tests whose session thread is not shared). */
  private int recoverInTurn(List<String> ids) {
    int recovered = 0;
    try {
      for (String id : ids) {
        if (Thread.currentThread().isInterrupted()) {
          return recovered;
        }
        recovered += recover(id) ? 1 : 0;
        progress.step();
      }
      return recovered;
    } finally {
      progress.finish();
    }
  }

  /**
   * Loads one stored session from its log (at start, or when a cluster node takes over a session
   * whose owner died). Blocks until it runs on its thread.
   *
   * @return whether the session now runs here
   */
  boolean recover(String id) {
    requireNonNull(id, "id");
    if (registry.holds(id)) {
      return false;
    }
    Journals.Stored stored;
    try {
      stored = storage.recover(id);
    } catch (RuntimeException e) {
      // this log alone cannot be opened (permissions, a bad disk block): its session waits for
      // an operator, every other session serves
      registry.quarantine(
          id, readableRecords(id), "its log cannot be opened for writing: " + rootMessage(e));
      return false;
    }
    if (stored.corrupt()) {
      registry.quarantine(id, stored.records(), stored.problem());
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
    SessionManager.SessionThread thread = threads.get();
    CompletableFuture<GameSession> done = new CompletableFuture<>();
    thread.execute(
        () -> {
          try {
            Outbox outbox = new Outbox(thread);
            GameSession session =
                SessionRebuilder.replay(stored.records(), thread, stored.journal(), outbox);
            register.accept(session, thread);
            session.resumeAfterReplay();
            archive.archiveIfEnded(session);
            done.complete(session);
          } catch (SessionRebuilder.ReplayException | RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    try {
      GameSession session = done.get();
      log.debug(
          "session {} recovered: phase {}, turn {}", id, session.phase(), session.game().turn());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      registry.quarantine(id, stored.records(), e.getCause().getMessage());
      return false;
    }
  }

  /** What can still be read of a log that cannot be recovered (to know its members), or none. */
  private List<SessionRecord> readableRecords(String id) {
    try {
      return storage.read(id).records();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  /** Whether the session is being rebuilt after a storage failure (it takes no command then). */
  boolean rebuilding(GameSession session) {
    return rebuilding.contains(session);
  }

  /**
   * A record could not be written: rebuild the session from what is durable, so that its state is
   * again exactly its log, and show everyone connected the state they are really in.
   */
  void rebuild(GameSession broken) {
    if (broken.openedDurably().isCompletedExceptionally()) {
      return; // never created: the factory tells the creator and forgets it
    }
    if (!rebuilding.add(broken)) {
      return;
    }
    SessionManager.SessionThread thread = registry.threadOf(broken);
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
                        registry.quarantine(
                            broken, "its log cannot be read back: " + rootMessage(error));
                        registry.unregister(broken);
                        return;
                      }
                      rebuildFrom(broken, thread, stored);
                    }));
  }

  private void rebuildFrom(
      GameSession broken, SessionManager.SessionThread thread, Journals.Stored stored) {
    if (stored.corrupt()) {
      registry.quarantine(broken, stored.problem());
      registry.unregister(broken);
      return;
    }
    if (stored.records().isEmpty()) {
      log.error("session {}: its first record was never saved; dropping it", broken.id());
      registry.unregister(broken);
      return;
    }
    try {
      GameSession rebuilt =
          SessionRebuilder.replay(stored.records(), thread, broken.journal(), new Outbox(thread));
      broken.journal().reset(stored.records().size());
      // the rebuilt session is registered before the broken one is let go, so that its id,
      // join code and tokens are never unknown (a Resume in between was told "unknown or revoked
      // token"); unregister removes only the entries that still name the broken session
      register.accept(rebuilt, thread);
      registry.unregister(broken);
      bindings.moveTo(broken, rebuilt);
      rebuilt.resumeAfterReplay();
      log.warn("session {} rebuilt from its log after a storage failure", broken.id());
    } catch (SessionRebuilder.ReplayException e) {
      log.error(
          "session {} cannot be rebuilt after a storage failure: {}", broken.id(), e.getMessage());
      registry.quarantine(broken, e.getMessage());
      registry.unregister(broken);
    }
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}

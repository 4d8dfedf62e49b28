package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
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
import java.util.concurrent.Semaphore;
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
  private final PendingSessions pending = new PendingSessions();

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
   * Logs read and waiting for (or in) their rebuild at once, per reading thread: a reader hands a
   * log to its session's event loop and reads the next, so reading overlaps rebuilding; the bound
   * keeps the parsed records of logs not yet rebuilt from piling up in memory.
   */
  static final int IN_FLIGHT_PER_READER = 32;

  /**
   * Reloads every stored session: {@code parallelism} threads read the logs, and each log is
   * rebuilt on its session's own thread (the event loops) while the readers go on, so reading and
   * rebuilding overlap across cores. Blocks until all are done.
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
    Semaphore inFlight = new Semaphore(IN_FLIGHT_PER_READER * parallelism);
    try {
      List<Future<CompletableFuture<Boolean>>> started = new ArrayList<>(ids.size());
      for (String id : ids) {
        started.add(
            pool.submit(
                () -> {
                  inFlight.acquire();
                  CompletableFuture<Boolean> rebuilt;
                  try {
                    rebuilt = recoverLater(id);
                  } catch (RuntimeException e) {
                    inFlight.release();
                    progress.step();
                    throw e;
                  }
                  return rebuilt.whenComplete(
                      (ok, error) -> {
                        inFlight.release();
                        progress.step();
                      });
                }));
      }
      int recovered = 0;
      for (Future<CompletableFuture<Boolean>> read : started) {
        recovered += read.get().get() ? 1 : 0;
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

  /**
   * Serves at once and rebuilds behind: reads every stored log ({@code parallelism} threads) and
   * indexes its names (id, join code, token hashes) and deadline, then returns: from then on every
   * session can be served, since a request that names a session not rebuilt yet waits for its
   * rebuild ({@link #rebuildFirst}), and a session whose deadline falls due is rebuilt then. The
   * rest are rebuilt behind, the soonest deadline first, on {@code behind}; the future completes
   * once every session is rebuilt (or quarantined), with how many run here.
   */
  CompletableFuture<Integer> serveWhileRebuilding(int parallelism, Executor behind) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
    }
    requireNonNull(behind, "behind");
    List<String> ids = storage.sessionIds();
    progress.begin(ids.size());
    ExecutorService pool = readers(parallelism, ids.size());
    List<PendingSessions.Pending> read = new ArrayList<>(ids.size());
    try {
      List<Future<PendingSessions.Pending>> reads = new ArrayList<>(ids.size());
      for (String id : ids) {
        reads.add(
            pool.submit(
                () -> {
                  try {
                    return readForLater(id);
                  } finally {
                    progress.step();
                  }
                }));
      }
      for (Future<PendingSessions.Pending> r : reads) {
        PendingSessions.Pending p = r.get();
        if (p != null) {
          read.add(p);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.completedFuture(registry.size());
    } catch (ExecutionException e) {
      throw new IllegalStateException("recovery failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
      progress.finish();
    }
    List<PendingSessions.Pending> urgent = pending.byUrgency();
    log.info(
        "serving {} sessions; rebuilding them behind, the soonest deadline first", read.size());
    long started = System.nanoTime();
    return rebuildBehind(urgent, behind, IN_FLIGHT_PER_READER * parallelism)
        .thenApply(
            recovered -> {
              log.info(
                  "rebuilt {} sessions behind in {} ms",
                  recovered,
                  (System.nanoTime() - started) / 1_000_000);
              return recovered;
            });
  }

  /**
   * Sessions a cluster node has just claimed from a node that died or left: each is read and
   * indexed as at start and served from now on — a request that names one waits for its rebuild, a
   * deadline that falls due rebuilds it then — and rebuilt behind on {@code behind}, the soonest
   * deadline first.
   *
   * @return how many now serve here (not quarantined), and the future of their rebuilds, which
   *     completes with how many were rebuilt once every one is
   */
  SessionManager.TakenOver takeOver(List<String> ids, Executor behind) {
    List<PendingSessions.Pending> read = new ArrayList<>(ids.size());
    for (String id : ids) {
      PendingSessions.Pending p = readForLater(id);
      if (p != null) {
        read.add(p);
      }
    }
    read.sort(PendingSessions.URGENCY);
    return new SessionManager.TakenOver(
        read.size(),
        rebuildBehind(
            read, behind, IN_FLIGHT_PER_READER * SessionManager.DEFAULT_RECOVERY_THREADS));
  }

  /**
   * Rebuilds pending sessions in the order given, each when due at the latest (a timer per open
   * turn with a deadline), the rest one after another on {@code behind} with at most {@code
   * inFlight} waiting for a session thread; completes with how many run here once every one is
   * done.
   */
  private CompletableFuture<Integer> rebuildBehind(
      List<PendingSessions.Pending> urgent, Executor behind, int inFlight) {
    for (PendingSessions.Pending p : urgent) {
      if (p.dueAtMs != Long.MAX_VALUE) {
        SessionClock clock = threads.get().clock();
        long delay = p.dueAtMs == Long.MIN_VALUE ? 0 : p.dueAtMs - clock.nowMillis();
        clock.schedule(() -> rebuildPending(p), Math.max(0, delay));
      }
    }
    behind.execute(
        () -> {
          Semaphore slots = new Semaphore(inFlight);
          for (PendingSessions.Pending p : urgent) {
            try {
              slots.acquire();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
            rebuildPending(p).whenComplete((ok, error) -> slots.release());
          }
        });
    List<CompletableFuture<Boolean>> all = urgent.stream().map(p -> p.rebuilt).toList();
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(done -> (int) all.stream().filter(CompletableFuture::join).count());
  }

  /**
   * A request that names a session read but not rebuilt yet (by join code, token or id): its
   * rebuild, started now if it had not, to route the request again once it completes; null when the
   * request names no such session.
   */
  CompletableFuture<Boolean> rebuildFirst(org.quarterdeck.protocol.v1.ClientMessage m) {
    if (pending.isEmpty()) {
      return null;
    }
    PendingSessions.Pending p =
        switch (m.getBodyCase()) {
          case JOIN_SESSION ->
              pending.byCode(JoinCodes.normalize(m.getJoinSession().getJoinCode()));
          case SPECTATE -> pending.byCode(JoinCodes.normalize(m.getSpectate().getJoinCode()));
          case RESUME -> pending.byTokenHash(Tokens.hash(m.getResume().getToken()));
          case GET_REPLAY -> pending.byId(m.getGetReplay().getSessionId());
          default -> null;
        };
    return p == null ? null : rebuildPending(p);
  }

  /** The rebuild of a session read but not rebuilt yet (by id), or null. */
  CompletableFuture<Boolean> rebuildFirst(String sessionId) {
    PendingSessions.Pending p = pending.byId(sessionId);
    return p == null ? null : rebuildPending(p);
  }

  /** Sessions read at start and not rebuilt yet. */
  int pendingCount() {
    return pending.size();
  }

  /** Whether a session read (at start or in a takeover) waits for its rebuild. */
  boolean pending(String id) {
    return pending.byId(id) != null;
  }

  private ExecutorService readers(int parallelism, int logs) {
    AtomicInteger threadNumber = new AtomicInteger();
    return Executors.newFixedThreadPool(
        Math.max(1, Math.min(parallelism, logs)),
        r -> {
          Thread t = new Thread(r, "quarterdeck-recovery-" + threadNumber.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Keeps an ended log's session as an archived summary when its time to be archived has passed
   * ({@link SessionArchive#keepIfArchived}). Only a log whose last record closes the session is
   * parsed whole for it; any other is left to be indexed from its record kinds.
   */
  private boolean keptAsArchived(StoredLog stored) {
    try {
      if (stored.size() == 0
          || stored.eventCase(stored.size() - 1) != SessionRecord.EventCase.CLOSED) {
        return false;
      }
    } catch (InvalidProtocolBufferException e) {
      return false; // its rebuild finds the record that does not parse and quarantines it
    }
    Journals.Stored parsed = stored.parsed();
    return parsed.problem() == null && archive.keepIfArchived(parsed, threads.get().clock());
  }

  /** Reads one log and indexes it for a later rebuild; null if it is set aside or removed. */
  private PendingSessions.Pending readForLater(String id) {
    if (pending(id)) {
      return null;
    }
    StoredLog stored = readToRebuild(id);
    if (stored == null || keptAsArchived(stored)) {
      return null; // nothing to rebuild, or kept as an archived summary
    }
    PendingSessions.Pending p;
    try {
      p = new PendingSessions.Pending(id, stored);
    } catch (InvalidProtocolBufferException e) {
      Journals.Stored parsed = stored.parsed();
      registry.quarantine(
          id,
          parsed.records(),
          parsed.problem() != null ? parsed.problem() : "a record does not parse: " + e);
      return null;
    }
    pending.add(p);
    return p;
  }

  /** Starts a pending session's rebuild once, on its thread; its future either way. */
  private CompletableFuture<Boolean> rebuildPending(PendingSessions.Pending p) {
    if (p.start()) {
      rebuildOnThread(p.id, p.log, threads.get(), () -> pending.remove(p))
          .whenComplete(
              (ok, error) -> {
                pending.remove(p); // a failure too: the session is quarantined by then
                p.rebuilt.complete(error == null && ok);
              });
    }
    return p.rebuilt;
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
    try {
      return recoverLater(id).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("recovery failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Reads one stored log on the calling thread and hands it to its session's thread to be rebuilt;
   * the future tells, once that is done, whether the session now runs here (a log that cannot be
   * rebuilt quarantines its session and completes it with false).
   */
  private CompletableFuture<Boolean> recoverLater(String id) {
    StoredLog stored = readToRebuild(id);
    if (stored == null) {
      return CompletableFuture.completedFuture(false);
    }
    if (keptAsArchived(stored)) {
      return CompletableFuture.completedFuture(true); // held as an archived summary, not rebuilt
    }
    return rebuildOnThread(id, stored, threads.get(), () -> {});
  }

  /**
   * Reads a stored log to rebuild it: its records (not parsed yet) and journal, or null when there
   * is nothing to rebuild (it runs here already, it is quarantined, or it held no record and was
   * removed).
   */
  private StoredLog readToRebuild(String id) {
    requireNonNull(id, "id");
    if (registry.holds(id)) {
      return null;
    }
    StoredLog stored;
    try {
      stored = storage.recoverUnparsed(id);
    } catch (RuntimeException e) {
      // this log alone cannot be opened (permissions, a bad disk block): its session waits for
      // an operator, every other session serves
      registry.quarantine(
          id, readableRecords(id), "its log cannot be opened for writing: " + rootMessage(e));
      return null;
    }
    if (stored.corrupt()) {
      Journals.Stored readable = stored.parsed();
      registry.quarantine(id, readable.records(), readable.problem());
      return null;
    }
    if (stored.size() == 0) {
      // a crash while the session was created: SessionCreated waits for the first record, so
      // nobody was ever told of this session
      log.warn(
          "session {}: its log holds no record (a crash during CreateSession, never"
              + " acknowledged); removing it",
          id);
      storage.discard(id);
      return null;
    }
    return stored;
  }

  /**
   * Rebuilds a read log on {@code thread} (its records parsed there) and registers it ({@code
   * registered} runs right after); a log that does not parse or replay quarantines its session. The
   * future says whether it runs here.
   */
  private CompletableFuture<Boolean> rebuildOnThread(
      String id, StoredLog read, SessionManager.SessionThread thread, Runnable registered) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    thread.execute(
        () -> {
          Journals.Stored stored = read.parsed();
          if (stored.corrupt()) {
            registry.quarantine(id, stored.records(), stored.problem());
            done.complete(false);
            return;
          }
          try {
            Outbox outbox = new Outbox(thread);
            GameSession session =
                SessionRebuilder.replay(stored.records(), thread, stored.journal(), outbox);
            register.accept(session, thread);
            registered.run();
            session.resumeAfterReplay();
            archive.archiveIfEnded(session);
            log.debug(
                "session {} recovered: phase {}, turn {}",
                id,
                session.phase(),
                session.game().turn());
            done.complete(true);
          } catch (SessionRebuilder.ReplayException | RuntimeException e) {
            registry.quarantine(id, stored.records(), e.getMessage());
            done.complete(false);
          }
        });
    return done;
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

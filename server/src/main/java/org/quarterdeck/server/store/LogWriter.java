package org.quarterdeck.server.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one writer thread: it drains the queue (appends of every session), writes each log's
 * records with one gathering write, fsyncs per {@link FsyncMode}, and hands the acknowledgements to
 * the acknowledgement thread.
 *
 * <p>The queue is lock-free and bounded by counters, so {@link #offer} never parks the caller.
 * Fsyncs of several files in one batch run in parallel on a small pool; the writer waits for them.
 * The batch window is measured with {@link System#nanoTime()}: it only decides how long the writer
 * gathers, never what is written, so it needs no injected clock.
 */
final class LogWriter implements Runnable {
  private static final Logger logger = LoggerFactory.getLogger(LogWriter.class);

  /** Files fsynced at once when a batch touched several sessions. */
  private static final int FSYNC_PARALLELISM = 16;

  /** Work for the writer, in queue order. */
  sealed interface Op permits Append, Create, CloseLog, Shutdown {}

  /**
   * One record to append. {@code expectedSequence} is the sequence number the record must get, or
   * -1 for "whatever is next": a record whose predecessor failed is refused, so a log never has a
   * gap (see {@link EventLog#appendAt}).
   */
  record Append(LogState log, byte[] frame, CompletableFuture<Long> ack, long expectedSequence)
      implements Op {}

  record Create(LogState log, EventLog handle, CompletableFuture<EventLog> done) implements Op {}

  record CloseLog(LogState log, CompletableFuture<Void> done) implements Op {}

  record Shutdown(CompletableFuture<Void> done) implements Op {}

  private final StoreOptions options;
  private final LogFiles files;
  private final ConcurrentMap<String, LogState> openLogs;
  private final ConcurrentLinkedQueue<Op> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedOps = new AtomicInteger();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final Thread thread;
  private final StoreUsage usage;
  private final ExecutorService acks;
  private final ExecutorService fsyncPool;
  private final StoreObserver observer;
  private volatile boolean accepting = true;
  private volatile boolean terminated;

  // Confined to the writer thread.
  private final Map<LogState, List<Append>> toWrite = new LinkedHashMap<>();
  private final Set<LogState> dirty = new LinkedHashSet<>();
  private final OpenHandles handles;
  private int dirtyRecords;
  private long dirtyBytes;
  private long batchDeadline;
  private List<Runnable> completions = new ArrayList<>();
  private Shutdown shutdown;

  LogWriter(
      StoreOptions options,
      LogFiles files,
      ConcurrentMap<String, LogState> openLogs,
      StoreUsage usage,
      StoreObserver observer) {
    this.options = options;
    this.observer = observer;
    this.files = files;
    this.openLogs = openLogs;
    this.usage = usage;
    this.handles = new OpenHandles(options.maxOpenLogs());
    this.thread = new Thread(this, "quarterdeck-store-writer");
    this.thread.setDaemon(true);
    this.acks =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "quarterdeck-store-ack");
              t.setDaemon(true);
              return t;
            });
    AtomicInteger fsyncThreads = new AtomicInteger();
    this.fsyncPool =
        Executors.newFixedThreadPool(
            FSYNC_PARALLELISM,
            r -> {
              Thread t = new Thread(r, "quarterdeck-store-fsync-" + fsyncThreads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  void start() {
    thread.start();
  }

  StoreOptions options() {
    return options;
  }

  boolean isAccepting() {
    return accepting;
  }

  void stopAccepting() {
    accepting = false;
  }

  /**
   * Queues an operation without blocking. Returns false, and queues nothing, when {@code bounded}
   * and the queue is full.
   */
  boolean offer(Op op, boolean bounded) {
    int bytes = op instanceof Append append ? append.frame().length : 0;
    int ops = queuedOps.incrementAndGet();
    long total = queuedBytes.addAndGet(bytes);
    if (bounded && (ops > options.queueMaxRecords() || total > options.queueMaxBytes())) {
      queuedOps.decrementAndGet();
      queuedBytes.addAndGet(-bytes);
      return false;
    }
    queue.offer(op);
    LockSupport.unpark(thread);
    // The writer may have made its last pass over the queue before this op arrived.
    if (terminated && queue.remove(op)) {
      released(op);
      refuse(op);
    }
    return true;
  }

  /** Waits for the writer and the acknowledgement thread to finish; for {@code close()}. */
  boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    thread.join(Math.max(1, unit.toMillis(timeout)));
    if (thread.isAlive()) {
      return false;
    }
    fsyncPool.shutdown();
    acks.shutdown();
    return acks.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  @Override
  public void run() {
    try {
      while (shutdown == null) {
        try {
          runOnce();
        } catch (RuntimeException e) {
          // A bug, not a disk error: fail what is in hand and keep the writer alive.
          logger.error("event store writer: unexpected error; failing the current batch", e);
          failAllInHand(new IOException("internal error in the event store writer", e));
        }
        dispatchCompletions();
        if (shutdown == null && queue.isEmpty()) {
          if (dirty.isEmpty()) {
            LockSupport.park(this);
          } else {
            long wait = batchDeadline - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(this, wait);
            }
          }
        }
      }
      finishShutdown();
    } finally {
      terminated = true;
      for (Op op; (op = queue.poll()) != null; ) {
        released(op);
        refuse(op);
      }
      dispatchCompletions();
    }
  }

  private void runOnce() {
    Op op;
    int taken = 0;
    while (shutdown == null && taken < options.batchMaxRecords() && (op = queue.poll()) != null) {
      released(op);
      taken++;
      if (op instanceof Append append) {
        if (append.log().closed) {
          fail(append.ack(), new StoreClosedException(append.log().sessionId, "event log"));
        } else {
          toWrite.computeIfAbsent(append.log(), k -> new ArrayList<>()).add(append);
        }
        continue;
      }
      writePending();
      if (op instanceof Create create) {
        create(create);
      } else if (op instanceof CloseLog close) {
        closeLog(close);
      } else if (op instanceof Shutdown stop) {
        shutdown = stop;
      }
    }
    writePending();
    usage.openLogFiles(handles.size());
    if (!dirty.isEmpty()
        && (dirtyRecords >= options.batchMaxRecords()
            || dirtyBytes >= options.batchMaxBytes()
            || System.nanoTime() - batchDeadline >= 0)) {
      syncDirty();
    }
  }

  private void writePending() {
    for (Map.Entry<LogState, List<Append>> entry : toWrite.entrySet()) {
      write(entry.getKey(), entry.getValue());
    }
    toWrite.clear();
  }

  private void write(LogState log, List<Append> queued) {
    List<Append> appends = inSequence(log, queued);
    if (appends.isEmpty() || !ensureChannel(log, appends)) {
      return;
    }
    handles.used(log);
    closeOverBudget(log);
    if (options.fsyncMode() == FsyncMode.ALWAYS) {
      for (int i = 0; i < appends.size(); i++) {
        Append append = appends.get(i);
        String action = "write";
        try {
          writeFully(log.channel, List.of(append));
          action = "fsync";
          long start = System.nanoTime();
          log.channel.force(false);
          long took = System.nanoTime() - start;
          observer.fsynced(took);
          observer.batchCommitted(1, took); // in this mode every record is its own batch
        } catch (IOException e) {
          failLog(log, appends.subList(i, appends.size()), action, e);
          return;
        }
        log.writtenEnd += append.frame().length;
        usage.grew(append.frame().length);
        long sequence = log.nextSequence++;
        log.committedEnd = log.writtenEnd;
        log.committedCount = log.nextSequence;
        complete(append.ack(), sequence);
      }
      return;
    }
    try {
      writeFully(log.channel, appends);
    } catch (IOException e) {
      failLog(log, appends, "write", e);
      return;
    }
    log.unsynced = true;
    for (Append append : appends) {
      log.writtenEnd += append.frame().length;
      usage.grew(append.frame().length);
      long sequence = log.nextSequence++;
      if (options.fsyncMode() == FsyncMode.OFF) {
        complete(append.ack(), sequence);
      } else {
        log.waiting.add(new LogState.Waiting(append.ack(), sequence));
        dirtyRecords++;
        dirtyBytes += append.frame().length;
      }
    }
    if (options.fsyncMode() == FsyncMode.OFF) {
      log.committedEnd = log.writtenEnd;
      log.committedCount = log.nextSequence;
    } else {
      if (dirty.isEmpty()) {
        batchDeadline = System.nanoTime() + options.batchWindow().toNanos();
      }
      dirty.add(log);
    }
  }

  /**
   * Drops (and fails) the appends that expect another sequence number than the one they would get:
   * they were queued before an earlier record of their log failed and was cut back.
   */
  private List<Append> inSequence(LogState log, List<Append> queued) {
    List<Append> accepted = new ArrayList<>(queued.size());
    long next = log.nextSequence;
    for (Append append : queued) {
      if (append.expectedSequence() < 0 || append.expectedSequence() == next) {
        accepted.add(append);
        next++;
      } else {
        fail(
            append.ack(),
            new StoreUnavailableException(
                log.sessionId,
                "write",
                new IOException(
                    "record "
                        + append.expectedSequence()
                        + " refused: the log holds "
                        + next
                        + " record(s); an earlier record was not stored")));
      }
    }
    return accepted;
  }

  private static void writeFully(FileChannel channel, List<Append> appends) throws IOException {
    ByteBuffer[] buffers = new ByteBuffer[appends.size()];
    long remaining = 0;
    for (int i = 0; i < buffers.length; i++) {
      buffers[i] = ByteBuffer.wrap(appends.get(i).frame());
      remaining += buffers[i].remaining();
    }
    int first = 0;
    while (remaining > 0) {
      remaining -= channel.write(buffers, first, buffers.length - first);
      while (first < buffers.length && !buffers[first].hasRemaining()) {
        first++;
      }
    }
  }

  /**
   * Fsyncs every log written in this batch. Several files are fsynced in parallel: each fsync waits
   * for a journal commit, and concurrent ones share a commit, so a batch that touched 200 sessions
   * costs about one commit instead of 200 in a row.
   */
  private void syncDirty() {
    long start = System.nanoTime();
    int records = dirtyRecords;
    boolean any = !dirty.isEmpty();
    if (dirty.size() == 1) {
      sync(dirty.iterator().next());
    } else if (dirty.size() > 1) {
      List<LogState> logs = List.copyOf(dirty);
      List<Future<IOException>> forces = new ArrayList<>(logs.size());
      for (LogState log : logs) {
        forces.add(fsyncPool.submit(() -> force(log)));
      }
      for (int i = 0; i < logs.size(); i++) {
        settle(logs.get(i), awaitForce(forces.get(i)));
      }
    }
    dirty.clear();
    dirtyRecords = 0;
    dirtyBytes = 0;
    if (any) {
      observer.batchCommitted(records, System.nanoTime() - start);
    }
  }

  private IOException force(LogState log) {
    try {
      long start = System.nanoTime();
      log.channel.force(false);
      observer.fsynced(System.nanoTime() - start);
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  private static IOException awaitForce(Future<IOException> force) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return force.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          return new IOException("fsync failed", e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Fsyncs one log and settles the acknowledgements that waited for it. */
  private boolean sync(LogState log) {
    return settle(log, force(log));
  }

  private boolean settle(LogState log, IOException failure) {
    if (failure != null) {
      failLog(log, List.of(), "fsync", failure);
      return false;
    }
    log.unsynced = false;
    log.committedEnd = log.writtenEnd;
    log.committedCount = log.nextSequence;
    for (LogState.Waiting waiting : log.waiting) {
      complete(waiting.ack(), waiting.sequence());
    }
    log.waiting.clear();
    return true;
  }

  /**
   * A write or fsync failed: every record not yet acknowledged fails, and the file is cut back to
   * its last acknowledged record so that no partial frame stays in the middle of the log.
   */
  private void failLog(LogState log, List<Append> notWritten, String action, IOException cause) {
    StoreUnavailableException error = new StoreUnavailableException(log.sessionId, action, cause);
    int lost = log.waiting.size() + notWritten.size();
    for (LogState.Waiting waiting : log.waiting) {
      fail(waiting.ack(), error);
    }
    log.waiting.clear();
    for (Append append : notWritten) {
      fail(append.ack(), error);
    }
    dirty.remove(log);
    if (dirty.isEmpty()) {
      dirtyRecords = 0;
      dirtyBytes = 0;
    }
    usage.grew(log.committedEnd - log.writtenEnd);
    log.writtenEnd = log.committedEnd;
    log.nextSequence = log.committedCount;
    logger.error(
        "event log of session {}: {} failed ({}); {} record(s) not stored, cutting the"
            + " file back to byte {}",
        log.sessionId,
        action,
        cause.toString(),
        lost,
        log.committedEnd);
    repair(log);
  }

  private void repair(LogState log) {
    FileChannel channel = log.channel;
    if (channel == null) {
      return;
    }
    try {
      channel.truncate(log.committedEnd);
      channel.position(log.committedEnd);
      if (options.fsyncMode() != FsyncMode.OFF) {
        channel.force(false);
      }
    } catch (IOException e) {
      logger.warn(
          "event log of session {}: could not cut back to byte {} ({}); will reopen the"
              + " file before the next write",
          log.sessionId,
          log.committedEnd,
          e.toString());
      closeQuietly(channel);
      log.channel = null;
      handles.closed(log);
    }
  }

  /**
   * Closes the least recently written files past the budget. A file with records waiting for their
   * batch fsync is fsynced first, so its records are acknowledged before it closes; in {@link
   * FsyncMode#OFF} closing needs no fsync (the records are in the OS's cache either way).
   */
  private void closeOverBudget(LogState keep) {
    for (LogState log : handles.overBudget(keep)) {
      if (log.unsynced && options.fsyncMode() != FsyncMode.OFF) {
        dirty.remove(log);
        if (!sync(log)) {
          continue; // failLog has repaired or dropped the channel; its next write reopens it
        }
      }
      closeQuietly(log.channel);
      log.channel = null;
      log.unsynced = false;
    }
  }

  /** Reopens a log whose repair failed, cutting it back first; fails the appends if it cannot. */
  private boolean ensureChannel(LogState log, List<Append> appends) {
    if (log.channel != null) {
      return true;
    }
    FileChannel channel = null;
    try {
      channel = files.open(log.file);
      long size = channel.size();
      if (size < log.committedEnd) {
        throw new IOException(
            "file holds "
                + size
                + " bytes, fewer than its "
                + log.committedEnd
                + " acknowledged bytes");
      }
      if (size > log.committedEnd) {
        // a failed write left bytes after the last acknowledged record
        channel.truncate(log.committedEnd);
        if (options.fsyncMode() != FsyncMode.OFF) {
          channel.force(false);
        }
        logger.info(
            "event log of session {}: reopened and cut back to byte {}",
            log.sessionId,
            log.committedEnd);
      }
      channel.position(log.committedEnd);
      log.channel = channel;
      return true;
    } catch (IOException e) {
      closeQuietly(channel);
      StoreUnavailableException error = new StoreUnavailableException(log.sessionId, "reopen", e);
      logger.error(
          "event log of session {}: reopen failed ({}); {} record(s) not stored",
          log.sessionId,
          e.toString(),
          appends.size());
      for (Append append : appends) {
        fail(append.ack(), error);
      }
      return false;
    }
  }

  private void create(Create op) {
    LogState log = op.log();
    FileChannel channel;
    try {
      channel = files.create(log.file);
    } catch (FileAlreadyExistsException e) {
      openLogs.remove(log.sessionId, log);
      fail(op.done(), new LogAlreadyExistsException(log.sessionId, "exists at " + log.file));
      return;
    } catch (IOException e) {
      openLogs.remove(log.sessionId, log);
      logger.error("event log of session {}: create failed ({})", log.sessionId, e.toString());
      fail(op.done(), new StoreUnavailableException(log.sessionId, "create", e));
      return;
    }
    try {
      ByteBuffer header = ByteBuffer.wrap(RecordCodec.fileHeader());
      while (header.hasRemaining()) {
        channel.write(header);
      }
      if (options.fsyncMode() != FsyncMode.OFF) {
        channel.force(true);
        files.syncDirectory(log.file.getParent());
      }
    } catch (IOException e) {
      closeQuietly(channel);
      try {
        Files.deleteIfExists(log.file);
      } catch (IOException ignored) {
        // A header-only or empty file is read back as a torn header, so leaving it is harmless.
      }
      openLogs.remove(log.sessionId, log);
      logger.error("event log of session {}: create failed ({})", log.sessionId, e.toString());
      fail(op.done(), new StoreUnavailableException(log.sessionId, "create", e));
      return;
    }
    log.channel = channel;
    log.positionAt(RecordCodec.FILE_HEADER_BYTES, 0);
    usage.created(RecordCodec.FILE_HEADER_BYTES);
    handles.used(log);
    closeOverBudget(log);
    complete(op.done(), op.handle());
  }

  private void closeLog(CloseLog op) {
    LogState log = op.log();
    if (log.closed) {
      complete(op.done(), null);
      return;
    }
    boolean synced = true;
    if (log.channel != null && log.unsynced) {
      dirty.remove(log);
      synced = sync(log);
    }
    closeQuietly(log.channel);
    log.channel = null;
    log.closed = true;
    handles.closed(log);
    openLogs.remove(log.sessionId, log);
    if (synced) {
      complete(op.done(), null);
    } else {
      fail(
          op.done(),
          new StoreUnavailableException(
              log.sessionId,
              "fsync on close",
              new IOException("the last records could not be made durable")));
    }
  }

  private void finishShutdown() {
    writePending();
    syncDirty();
    for (LogState log : openLogs.values()) {
      if (log.channel != null && log.unsynced) {
        sync(log);
      }
      closeQuietly(log.channel);
      log.channel = null;
      log.closed = true;
    }
    openLogs.clear();
    complete(shutdown.done(), null);
  }

  private void failAllInHand(IOException cause) {
    for (Map.Entry<LogState, List<Append>> entry : toWrite.entrySet()) {
      failLog(entry.getKey(), entry.getValue(), "write", cause);
    }
    toWrite.clear();
    for (LogState log : List.copyOf(dirty)) {
      failLog(log, List.of(), "fsync", cause);
    }
  }

  private void released(Op op) {
    queuedOps.decrementAndGet();
    if (op instanceof Append append) {
      queuedBytes.addAndGet(-append.frame().length);
    }
  }

  /** Settles an operation that arrived after the writer stopped. */
  private static void refuse(Op op) {
    if (op instanceof Append append) {
      append
          .ack()
          .completeExceptionally(new StoreClosedException(append.log().sessionId, "event store"));
    } else if (op instanceof Create create) {
      create
          .done()
          .completeExceptionally(new StoreClosedException(create.log().sessionId, "event store"));
    } else if (op instanceof CloseLog close) {
      close.done().complete(null);
    } else if (op instanceof Shutdown stop) {
      stop.done().complete(null);
    }
  }

  private <T> void complete(CompletableFuture<T> future, T value) {
    completions.add(() -> future.complete(value));
  }

  private void fail(CompletableFuture<?> future, Throwable error) {
    completions.add(() -> future.completeExceptionally(error));
  }

  /** Runs the batch's completions on the acknowledgement thread, never on this one. */
  private void dispatchCompletions() {
    if (completions.isEmpty()) {
      return;
    }
    List<Runnable> batch = completions;
    completions = new ArrayList<>();
    try {
      acks.execute(() -> batch.forEach(Runnable::run));
    } catch (RejectedExecutionException e) {
      batch.forEach(Runnable::run);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      logger.warn("closing an event log file failed: {}", e.toString());
    }
  }
}

package org.quarterdeck.server.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.quarterdeck.server.store.LogReadResult.TornTail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data directory of session event logs ({@code <data>/sessions/<sessionId>.qlog}) and the one
 * writer thread that appends to all of them.
 *
 * <p>{@link #create} and {@link EventLog#append} never block. {@link #open}, {@link #sessionIds},
 * {@link #read}, {@link #recover} and {@link #close} touch the disk on the calling thread: call
 * them at start-up, at shutdown or from tools, never from an event loop.
 */
public final class EventStore implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(EventStore.class);
  private static final String SESSIONS = "sessions";
  private static final String SUFFIX = ".qlog";
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final long CLOSE_TIMEOUT_SECONDS = 60;

  private final Path sessionsDirectory;
  private final StoreOptions options;
  private final LogFiles files;
  private final ConcurrentHashMap<String, LogState> openLogs = new ConcurrentHashMap<>();
  private final LogWriter writer;
  private final StoreUsage usage;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EventStore(
      Path sessionsDirectory,
      StoreOptions options,
      LogFiles files,
      StoreUsage usage,
      StoreObserver observer) {
    this.sessionsDirectory = sessionsDirectory;
    this.options = options;
    this.files = files;
    this.usage = usage;
    this.writer = new LogWriter(options, files, openLogs, usage, observer);
  }

  /** Opens (creating it if needed) a data directory on the real file system. */
  public static EventStore open(Path dataDirectory, StoreOptions options) throws IOException {
    return open(dataDirectory, options, LogFiles.system());
  }

  /** Opens a data directory on the real file system, telling {@code observer} its timings. */
  public static EventStore open(Path dataDirectory, StoreOptions options, StoreObserver observer)
      throws IOException {
    return open(dataDirectory, options, LogFiles.system(), observer);
  }

  /** Opens a data directory, with files opened through {@code files} (tests inject faults here). */
  public static EventStore open(Path dataDirectory, StoreOptions options, LogFiles files)
      throws IOException {
    return open(dataDirectory, options, files, StoreObserver.NONE);
  }

  private static EventStore open(
      Path dataDirectory, StoreOptions options, LogFiles files, StoreObserver observer)
      throws IOException {
    requireNonNull(dataDirectory, "dataDirectory");
    requireNonNull(options, "options");
    requireNonNull(files, "files");
    requireNonNull(observer, "observer");
    Path sessions = Files.createDirectories(dataDirectory.resolve(SESSIONS));
    EventStore store =
        new EventStore(sessions, options, files, StoreUsage.counting(sessions, SUFFIX), observer);
    store.writer.start();
    return store;
  }

  /** True for a session id the store can name a file after: 1–64 of {@code [A-Za-z0-9_-]}. */
  public static boolean isValidSessionId(String sessionId) {
    return sessionId != null && SESSION_ID.matcher(sessionId).matches();
  }

  public StoreOptions options() {
    return options;
  }

  /** The data directory's log files and bytes, and the files held open now; never blocks. */
  public StoreUsage usage() {
    return usage;
  }

  /** The file that holds (or will hold) a session's log. */
  public Path logFile(String sessionId) {
    return sessionsDirectory.resolve(checkedId(sessionId) + SUFFIX);
  }

  /** The ids of every session with a log file, sorted. Blocking. */
  public List<String> sessionIds() throws IOException {
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(sessionsDirectory, "*" + SUFFIX)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        String id = name.substring(0, name.length() - SUFFIX.length());
        if (isValidSessionId(id)) {
          ids.add(id);
        }
      }
    }
    Collections.sort(ids);
    return ids;
  }

  /**
   * Creates a new, empty log on the writer thread; never blocks. The future fails with {@link
   * LogAlreadyExistsException} if the session has a log, {@link StoreUnavailableException} on a
   * disk error, or {@link StoreClosedException}. Unless fsync is off, the file and its directory
   * entry are durable before the future completes.
   */
  public CompletableFuture<EventLog> create(String sessionId) {
    String id = checkedId(sessionId);
    if (!writer.isAccepting()) {
      return CompletableFuture.failedFuture(new StoreClosedException(id, "event store"));
    }
    LogState state = new LogState(id, logFile(id));
    if (openLogs.putIfAbsent(id, state) != null) {
      return CompletableFuture.failedFuture(new LogAlreadyExistsException(id, "is open"));
    }
    CompletableFuture<EventLog> done = new CompletableFuture<>();
    writer.offer(new LogWriter.Create(state, new EventLog(writer, state), done), false);
    return done;
  }

  /**
   * Reads a log without changing it (for export, verification, or replay of a log that is being
   * written, whose unfinished last record then shows as a torn tail). Blocking.
   *
   * @throws StoreUnavailableException if the file cannot be read (its cause says why, for instance
   *     {@link java.nio.file.NoSuchFileException})
   */
  public LogReadResult read(String sessionId) {
    String id = checkedId(sessionId);
    try (FileChannel channel = files.openForReading(logFile(id))) {
      return LogReader.read(id, channel);
    } catch (IOException e) {
      throw new StoreUnavailableException(id, "read", e);
    }
  }

  /**
   * Opens an existing log after a restart: reads it, cuts off a torn tail (with a warning), and
   * returns its records with a handle to append after them. A corrupt log is reported in the
   * result, left untouched and not opened: quarantine the session. Blocking.
   *
   * @throws LogAlreadyExistsException if the log is already open in this store
   * @throws StoreUnavailableException if the file cannot be read or repaired
   */
  public RecoveredLog recover(String sessionId) {
    String id = checkedId(sessionId);
    if (!writer.isAccepting()) {
      throw new StoreClosedException(id, "event store");
    }
    LogState state = new LogState(id, logFile(id));
    if (openLogs.putIfAbsent(id, state) != null) {
      throw new LogAlreadyExistsException(id, "is open");
    }
    FileChannel channel = null;
    boolean handedOver = false;
    try {
      channel = files.open(state.file);
      LogReadResult contents = LogReader.read(id, channel);
      if (contents.isCorrupt()) {
        logger.error(
            "event log of session {} is corrupt: {}; {} record(s) before it; the session"
                + " must be quarantined and the file is left as it is",
            id,
            contents.corruption().orElseThrow().reason(),
            contents.records().size());
        return new RecoveredLog(contents, Optional.empty());
      }
      long end = contents.validBytes();
      if (contents.tornTail().isPresent()) {
        TornTail torn = contents.tornTail().orElseThrow();
        logger.warn(
            "event log of session {}: torn tail at byte {} ({}); cutting off {} byte(s),"
                + " keeping {} record(s)",
            id,
            torn.offset(),
            torn.reason(),
            torn.discardedBytes(),
            contents.records().size());
        if (end < RecordCodec.FILE_HEADER_BYTES) {
          channel.truncate(0);
          ByteBuffer header = ByteBuffer.wrap(RecordCodec.fileHeader());
          while (header.hasRemaining()) {
            channel.write(header, header.position());
          }
          end = RecordCodec.FILE_HEADER_BYTES;
        } else {
          channel.truncate(end);
        }
        channel.force(true);
        usage.grew(-torn.discardedBytes());
      }
      // The file is closed again: the writer opens it on the first append, within its budget
      // of open files, so a restart with many sessions does not hold one descriptor per session.
      state.positionAt(end, contents.records().size());
      handedOver = true;
      return new RecoveredLog(contents, Optional.of(new EventLog(writer, state)));
    } catch (IOException e) {
      throw new StoreUnavailableException(id, "recovery", e);
    } finally {
      if (!handedOver) {
        openLogs.remove(id, state);
      }
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          logger.warn("closing {} failed: {}", state.file, e.toString());
        }
      }
    }
  }

  /**
   * Replaces the records of a log that is not open in this store (archive compaction): writes them
   * to a new file beside it, fsyncs it, renames it over the old file and fsyncs the directory, so
   * that a crash leaves either the old log or the new one, whole. Blocking.
   *
   * @throws IllegalStateException if the log is open (being written)
   * @throws StoreUnavailableException on a disk error (the old log is then left as it was)
   */
  public void rewrite(String sessionId, List<byte[]> records) {
    String id = checkedId(sessionId);
    requireNonNull(records, "records");
    if (openLogs.containsKey(id)) {
      throw new IllegalStateException("the log of session " + id + " is open");
    }
    Path target = logFile(id);
    Path temporary = sessionsDirectory.resolve(id + ".rewrite");
    try {
      long before = Files.size(target);
      long after = 0;
      try (FileChannel channel =
          FileChannel.open(
              temporary,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        after += writeFully(channel, RecordCodec.fileHeader());
        for (byte[] record : records) {
          after += writeFully(channel, RecordCodec.encode(record));
        }
        channel.force(true);
      }
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      files.syncDirectory(sessionsDirectory);
      usage.grew(after - before);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException ignored) {
        // a stray .rewrite file is ignored by sessionIds() and replaced by the next rewrite
      }
      throw new StoreUnavailableException(id, "rewrite", e);
    }
  }

  private static long writeFully(FileChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    return bytes.length;
  }

  /**
   * Stops taking work, writes and fsyncs everything already queued (in every fsync mode), closes
   * every log and stops the writer. Blocks for up to a minute; for graceful shutdown. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      writer.stopAccepting();
      writer.offer(new LogWriter.Shutdown(new CompletableFuture<>()), false);
    }
    try {
      if (!writer.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        logger.error(
            "event store did not finish writing within {} s; giving up on close",
            CLOSE_TIMEOUT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String checkedId(String sessionId) {
    requireNonNull(sessionId, "sessionId");
    if (!isValidSessionId(sessionId)) {
      throw new IllegalArgumentException("invalid session id for a log file name: " + sessionId);
    }
    return sessionId;
  }
}

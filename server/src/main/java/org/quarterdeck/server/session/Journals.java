package org.quarterdeck.server.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.quarterdeck.protocol.v1.SessionRecord;

/** Where sessions keep their logs: the embedded event-log directory, or memory for tests. */
public interface Journals extends AutoCloseable {
  /** Starts the log of a new session. */
  SessionJournal create(String sessionId);

  /** Ids of every stored session. */
  List<String> sessionIds();

  /** A stored log, read back for recovery: its records, or why it cannot be trusted. */
  record Stored(List<SessionRecord> records, String problem, SessionJournal journal) {
    public boolean corrupt() {
      return problem != null;
    }
  }

  /** Reads a log back, cutting a torn tail; the journal appends after its last good record. */
  Stored recover(String sessionId);

  /**
   * Reads a log back as {@link #recover} does, leaving its records unparsed until they are asked
   * for (start-up reads every log before it serves, and indexes each from a few of its records).
   */
  default StoredLog recoverUnparsed(String sessionId) {
    return StoredLog.of(recover(sessionId));
  }

  /** Reads a log without changing it (exports, verification, rebuilding after a failure). */
  Stored read(String sessionId);

  /**
   * Removes the log of a session that holds no record (a crash during its creation: nobody was told
   * of it). Only after {@link #recover} found it empty.
   */
  default void discard(String sessionId) {}

  @Override
  default void close() {}

  /**
   * Replaces a closed log's records (an archived session's compaction). Blocking; the default keeps
   * the log as it is.
   */
  default void rewrite(String sessionId, List<SessionRecord> records) {}

  /** Keeps every log in memory: nothing survives the process. */
  static Journals inMemory() {
    Map<String, List<SessionRecord>> logs = new ConcurrentHashMap<>();
    return new Journals() {
      @Override
      public SessionJournal create(String sessionId) {
        List<SessionRecord> log = java.util.Collections.synchronizedList(new ArrayList<>());
        logs.put(sessionId, log);
        return record -> {
          log.add(record);
          return CompletableFuture.completedFuture(null);
        };
      }

      @Override
      public List<String> sessionIds() {
        return List.copyOf(logs.keySet());
      }

      @Override
      public Stored recover(String sessionId) {
        return read(sessionId);
      }

      @Override
      public Stored read(String sessionId) {
        List<SessionRecord> log = logs.get(sessionId);
        if (log == null) {
          return new Stored(List.of(), "no log for session " + sessionId, null);
        }
        synchronized (log) {
          List<SessionRecord> copy = List.copyOf(log);
          return new Stored(
              copy,
              null,
              record -> {
                log.add(record);
                return CompletableFuture.completedFuture(null);
              });
        }
      }
    };
  }
}

package org.quarterdeck.server.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.server.store.EventLog;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.LogReadResult;
import org.quarterdeck.server.store.RecoveredLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Session logs in the embedded event-log directory (one append-only file per session). */
public final class EventStoreJournals implements Journals {
  private static final Logger log = LoggerFactory.getLogger(EventStoreJournals.class);
  private final EventStore store;

  /** Logs recovered with no record, kept open until {@link #discard} removes them. */
  private final java.util.Map<String, EventLog> emptyLogs =
      new java.util.concurrent.ConcurrentHashMap<>();

  public EventStoreJournals(EventStore store) {
    this.store = store;
  }

  @Override
  public SessionJournal create(String sessionId) {
    return new EventLogJournal(store.create(sessionId));
  }

  @Override
  public List<String> sessionIds() {
    try {
      return store.sessionIds();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Stored recover(String sessionId) {
    return recoverUnparsed(sessionId).parsed();
  }

  @Override
  public StoredLog recoverUnparsed(String sessionId) {
    RecoveredLog recovered = store.recover(sessionId);
    LogReadResult contents = recovered.contents();
    warnOfTornTail(contents);
    int size = contents.records().size();
    if (recovered.log().isEmpty()) { // a corrupt log: the store left it as it is
      String problem = problem(contents);
      return StoredLog.unparsed(
          size, contents::payload, problem == null ? "no writable log" : problem, null);
    }
    if (size == 0) {
      emptyLogs.put(sessionId, recovered.log().get());
    }
    return StoredLog.unparsed(
        size, contents::payload, null, new EventLogJournal(recovered.log().get(), size));
  }

  @Override
  public void discard(String sessionId) {
    EventLog empty = emptyLogs.remove(sessionId);
    if (empty == null) {
      throw new IllegalStateException("session " + sessionId + " was not recovered empty");
    }
    try {
      empty.close().get(10, java.util.concurrent.TimeUnit.SECONDS);
      Files.deleteIfExists(store.logFile(sessionId));
    } catch (IOException
        | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      log.warn("session {}: the empty log could not be removed: {}", sessionId, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public Stored read(String sessionId) {
    LogReadResult contents = store.read(sessionId);
    warnOfTornTail(contents);
    return StoredLog.unparsed(contents.records().size(), contents::payload, problem(contents), null)
        .parsed();
  }

  private static void warnOfTornTail(LogReadResult result) {
    result
        .tornTail()
        .ifPresent(t -> log.warn("session {}: torn tail cut off: {}", result.sessionId(), t));
  }

  /**
   * Why a log cannot be trusted (the records before the damage still name its members), or null.
   */
  private static String problem(LogReadResult result) {
    if (result.isCorrupt()) {
      return "corrupt log: " + result.corruption().orElseThrow();
    }
    return null;
  }

  /** The data directory's log files and bytes, for /metrics. */
  public org.quarterdeck.server.store.StoreUsage usage() {
    return store.usage();
  }

  @Override
  public void rewrite(String sessionId, List<SessionRecord> records) {
    List<byte[]> bytes = new ArrayList<>(records.size());
    for (SessionRecord r : records) {
      bytes.add(r.toByteArray());
    }
    store.rewrite(sessionId, bytes);
  }

  @Override
  public void close() {
    store.close();
  }
}

package org.quarterdeck.server.session;

import com.google.protobuf.InvalidProtocolBufferException;
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
    RecoveredLog recovered = store.recover(sessionId);
    Stored stored = decode(recovered.contents());
    if (stored.corrupt() || recovered.log().isEmpty()) {
      return new Stored(
          stored.records(), stored.problem() == null ? "no writable log" : stored.problem(), null);
    }
    if (stored.records().isEmpty()) {
      emptyLogs.put(sessionId, recovered.log().get());
    }
    return new Stored(
        stored.records(),
        null,
        new EventLogJournal(recovered.log().get(), stored.records().size()));
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
    return decode(store.read(sessionId));
  }

  private static Stored decode(LogReadResult result) {
    result
        .tornTail()
        .ifPresent(t -> log.warn("session {}: torn tail cut off: {}", result.sessionId(), t));
    List<SessionRecord> records = new ArrayList<>(result.records().size());
    for (byte[] bytes : result.records()) {
      try {
        records.add(SessionRecord.parseFrom(bytes));
      } catch (InvalidProtocolBufferException e) {
        return new Stored(
            records, "record " + records.size() + " does not parse: " + e.getMessage(), null);
      }
    }
    if (result.isCorrupt()) {
      // the records before the damage still name the session and its facilitator
      return new Stored(records, "corrupt log: " + result.corruption().orElseThrow(), null);
    }
    return new Stored(records, null, null);
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

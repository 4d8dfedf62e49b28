package org.quarterdeck.server.session;

import java.util.concurrent.CompletableFuture;
import org.quarterdeck.protocol.v1.SessionRecord;

/**
 * Where a session writes its records, in the order it applies them. The future completes once the
 * record is durable; the session acknowledges nothing before that.
 */
public interface SessionJournal {
  CompletableFuture<Void> append(SessionRecord record);

  /**
   * Appends a record the caller has already serialized ({@code serialized} is {@code
   * record.toByteArray()}, not to be changed afterwards), so that a journal that stores bytes does
   * not serialize it again.
   */
  default CompletableFuture<Void> append(SessionRecord record, byte[] serialized) {
    return append(record);
  }

  /**
   * The session was rebuilt from its {@code durableRecords} durable records after a failed append:
   * go on appending after them.
   */
  default void reset(long durableRecords) {}

  /** The session is archived: close the log (it takes no more records). */
  default CompletableFuture<Void> close() {
    return CompletableFuture.completedFuture(null);
  }

  /** A journal that keeps nothing: for tests and tournaments that need no durability. */
  static SessionJournal discarding() {
    CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
    return record -> done;
  }
}

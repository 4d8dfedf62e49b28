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

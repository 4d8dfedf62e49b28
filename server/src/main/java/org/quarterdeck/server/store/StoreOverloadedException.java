package org.quarterdeck.server.store;

/**
 * The writer's queue is full, so the append was refused at once rather than block the caller. The
 * record was not stored; the caller may retry later or report "busy" to its client.
 */
public final class StoreOverloadedException extends StoreException {
  private static final long serialVersionUID = 1L;

  StoreOverloadedException(String sessionId, int maxRecords, long maxBytes) {
    super(
        sessionId,
        "event store queue is full (at most "
            + maxRecords
            + " operations and "
            + maxBytes
            + " bytes wait for the disk); append for session "
            + sessionId
            + " refused",
        null);
  }
}

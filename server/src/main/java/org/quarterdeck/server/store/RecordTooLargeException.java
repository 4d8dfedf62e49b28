package org.quarterdeck.server.store;

/** A record longer than {@link EventLog#MAX_RECORD_BYTES}; it was not stored. */
public final class RecordTooLargeException extends StoreException {
  private static final long serialVersionUID = 1L;

  RecordTooLargeException(String sessionId, int length) {
    super(
        sessionId,
        "record of "
            + length
            + " bytes exceeds the maximum of "
            + RecordCodec.MAX_PAYLOAD_BYTES
            + " bytes (session "
            + sessionId
            + ")",
        null);
  }
}

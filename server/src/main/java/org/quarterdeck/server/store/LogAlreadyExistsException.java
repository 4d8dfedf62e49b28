package org.quarterdeck.server.store;

/** A log for this session already exists on disk or is already open in this store. */
public final class LogAlreadyExistsException extends StoreException {
  private static final long serialVersionUID = 1L;

  LogAlreadyExistsException(String sessionId, String where) {
    super(sessionId, "event log of session " + sessionId + " already " + where, null);
  }
}

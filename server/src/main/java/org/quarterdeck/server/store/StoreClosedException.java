package org.quarterdeck.server.store;

/** The log or the whole store was closed before the operation could run. */
public final class StoreClosedException extends StoreException {
  private static final long serialVersionUID = 1L;

  StoreClosedException(String sessionId, String what) {
    super(sessionId, what + " is closed; nothing more is written for session " + sessionId, null);
  }
}

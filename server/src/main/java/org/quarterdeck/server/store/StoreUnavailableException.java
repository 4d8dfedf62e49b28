package org.quarterdeck.server.store;

import java.io.IOException;

/**
 * The disk refused a write, an fsync or a read (full disk, I/O error). The records concerned were
 * not stored (the log was cut back to its last good record); later appends are tried again.
 */
public final class StoreUnavailableException extends StoreException {
  private static final long serialVersionUID = 1L;

  StoreUnavailableException(String sessionId, String action, IOException cause) {
    super(
        sessionId,
        "event log of session " + sessionId + ": " + action + " failed: " + cause.getMessage(),
        cause);
  }

  @Override
  public synchronized IOException getCause() {
    return (IOException) super.getCause();
  }
}

package org.quarterdeck.server.store;

/**
 * Why the store could not do what was asked for a session. Unchecked, because it mostly travels
 * inside a failed {@link java.util.concurrent.CompletableFuture}.
 */
public abstract class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String sessionId;

  StoreException(String sessionId, String message, Throwable cause) {
    super(message, cause);
    this.sessionId = sessionId;
  }

  /** The session whose log was concerned. */
  public String sessionId() {
    return sessionId;
  }
}

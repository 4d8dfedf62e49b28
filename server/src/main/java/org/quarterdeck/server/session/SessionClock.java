package org.quarterdeck.server.session;

/**
 * Time as the sessions see it: the current wall-clock time and a scheduler. Production uses the
 * session's event loop; tests use a manual clock and never sleep.
 */
public interface SessionClock {
  long nowMillis();

  /** Runs {@code task} on the session's thread after {@code delayMillis}. */
  Cancellable schedule(Runnable task, long delayMillis);

  /** A scheduled task that can be called off. */
  interface Cancellable {
    void cancel();
  }
}

package org.quarterdeck.server.port;

import static java.util.Objects.requireNonNull;

/**
 * Answers where the session a client names lives: here, on another node (its owner), or unknown.
 * The session layer answers for the sessions this node runs ({@code session.SessionRegistry}); a
 * cluster answers for those other nodes own, from its database. The dispatcher asks before it hands
 * a Join, Spectate, Resume or GetReplay to the sessions, so a connection can be proxied or sent to
 * the owner. Implementations may be called from any thread and must not block an event loop for
 * long (a database answer is cached or asked off the loop).
 */
@FunctionalInterface
public interface SessionLocator {
  SessionLocation locate(SessionKey key);

  /** A locator that knows no session (a single node has no one else to ask). */
  static SessionLocator nowhere() {
    return key -> SessionLocation.UNKNOWN;
  }

  /** Asks this locator first and {@code next} only for what this one does not know. */
  default SessionLocator orElse(SessionLocator next) {
    requireNonNull(next, "next");
    return key -> {
      SessionLocation here = locate(key);
      return here instanceof SessionLocation.Unknown ? next.locate(key) : here;
    };
  }
}

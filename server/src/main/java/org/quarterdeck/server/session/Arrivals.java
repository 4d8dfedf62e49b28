package org.quarterdeck.server.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The session each connection is on its way into: a Resume, join or spectate that the event loop
 * has handed to the session's thread and that has not run yet. A client may pipeline its next
 * requests behind it (Resume, then twenty replays, in one write); those must wait behind the
 * arrival on the same thread instead of being refused as unbound because the binding is made a
 * moment later on another thread.
 */
final class Arrivals {
  private final Map<Long, GameSession> arriving = new ConcurrentHashMap<>();

  /** Notes the arrival; the returned task runs {@code task} and then forgets the arrival. */
  Runnable arriving(long connection, GameSession session, Runnable task) {
    arriving.put(connection, session);
    return () -> {
      try {
        task.run();
      } finally {
        arrived(connection, session);
      }
    };
  }

  /** The session the connection is arriving in, or null. */
  GameSession sessionOf(long connection) {
    return arriving.get(connection);
  }

  /** The arrival in {@code session} has run (or was skipped); a later one to another stays. */
  void arrived(long connection, GameSession session) {
    arriving.remove(connection, session);
  }

  /** The connection closed. */
  void gone(long connection) {
    arriving.remove(connection);
  }
}

package org.quarterdeck.server.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.quarterdeck.server.port.Connection;

/**
 * Each connection's place in a session (its session and member), by connection id: where a bound
 * command (Submit, Facilitator, Leave…) goes. One owner, small methods; the router binds and
 * unbinds, a rebuild after a storage failure moves the bindings to the rebuilt session.
 */
final class ConnectionBindings {
  /** A connection's place in a session. */
  record Binding(GameSession session, Member member) {}

  /**
   * A connection's place in an archived session that was let go of (put away or put back): the
   * session's id and the member's token hash and role, enough to find the member again in the copy
   * taken out for the connection's next request.
   */
  record Shelved(String sessionId, String tokenHash, org.quarterdeck.protocol.v1.Role role) {}

  private final Map<Long, Binding> byConnection = new ConcurrentHashMap<>();
  private final Map<Long, Shelved> shelved = new ConcurrentHashMap<>();

  Binding get(Connection c) {
    return byConnection.get(c.id());
  }

  void put(Connection c, GameSession session, Member member) {
    byConnection.put(c.id(), new Binding(session, member));
    shelved.remove(c.id());
  }

  Binding remove(Connection c) {
    shelved.remove(c.id());
    return byConnection.remove(c.id());
  }

  void remove(long connectionId) {
    shelved.remove(connectionId);
    byConnection.remove(connectionId);
  }

  /** The connection's place in an archived session let go of, or null. */
  Shelved shelved(Connection c) {
    return shelved.get(c.id());
  }

  /**
   * The session is let go of (archived, or a copy put back): every connection bound to it keeps
   * only the names of its place, so that the binding does not keep the session in memory.
   */
  void shelve(GameSession session) {
    for (Map.Entry<Long, Binding> e : byConnection.entrySet()) {
      Binding b = e.getValue();
      if (b.session() == session && byConnection.remove(e.getKey(), b)) {
        shelved.put(e.getKey(), new Shelved(session.id(), b.member().tokenHash, b.member().role));
      }
    }
  }

  /** Drops the bindings of members the last command removed from {@code session} (kicks). */
  void forgetRemoved(GameSession session) {
    byConnection
        .entrySet()
        .removeIf(e -> e.getValue().session() == session && e.getValue().member().removed);
  }

  /**
   * Moves every connection bound to {@code broken} to the same person in {@code rebuilt} (their
   * connections attached, a fresh snapshot sent); a person the rebuilt log does not hold is
   * unbound.
   */
  void moveTo(GameSession broken, GameSession rebuilt) {
    for (Map.Entry<Long, Binding> e : byConnection.entrySet()) {
      Binding b = e.getValue();
      if (b.session() != broken) {
        continue;
      }
      Member now = rebuilt.member(b.member().tokenHash);
      if (now == null) {
        byConnection.remove(e.getKey());
        continue;
      }
      b.member().connections().forEach(now::attach);
      byConnection.put(e.getKey(), new Binding(rebuilt, now));
      rebuilt.send(
          now,
          org.quarterdeck.protocol.v1.ServerMessage.newBuilder()
              .setSnapshot(rebuilt.views().snapshot(now)));
    }
  }
}

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

  private final Map<Long, Binding> byConnection = new ConcurrentHashMap<>();

  Binding get(Connection c) {
    return byConnection.get(c.id());
  }

  void put(Connection c, GameSession session, Member member) {
    byConnection.put(c.id(), new Binding(session, member));
  }

  Binding remove(Connection c) {
    return byConnection.remove(c.id());
  }

  void remove(long connectionId) {
    byConnection.remove(connectionId);
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

package org.quarterdeck.server.session;

import java.util.ArrayList;
import java.util.List;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.server.port.Connection;

/**
 * Someone in a session, known by the hash of their token: a player, a spectator or the facilitator.
 */
final class Member {
  final Role role;
  final String tokenHash;
  final String displayName;

  /** The seat a player sits in; null for spectators and the facilitator. */
  SeatState seat;

  /** The live connection, or null while disconnected. */
  Connection connection;

  /**
   * A facilitator's further connections (the console, the replay page, a second device): a
   * facilitator resuming elsewhere must not take the seat away from the console.
   */
  private final List<Connection> moreConnections = new ArrayList<>();

  boolean removed;

  /** When a message from this member last arrived (epoch ms by the session's clock); 0 = never. */
  long lastSeenMs;

  Member(Role role, String tokenHash, String displayName) {
    this.role = role;
    this.tokenHash = tokenHash;
    this.displayName = displayName;
  }

  boolean connected() {
    return connection != null;
  }

  /** Adds a facilitator connection beside the others (players have one: see resume). */
  void attach(Connection c) {
    if (connection == null) {
      connection = c;
    } else if (connection != c && !moreConnections.contains(c)) {
      moreConnections.add(c);
    }
  }

  /** Forgets a connection; true if it was one of this member's. */
  boolean detach(Connection c) {
    if (connection == c) {
      connection = moreConnections.isEmpty() ? null : moreConnections.remove(0);
      return true;
    }
    return moreConnections.remove(c);
  }

  /** Every live connection of the member, the first one first. */
  List<Connection> connections() {
    if (connection == null) {
      return List.of();
    }
    if (moreConnections.isEmpty()) {
      return List.of(connection);
    }
    List<Connection> all = new ArrayList<>(1 + moreConnections.size());
    all.add(connection);
    all.addAll(moreConnections);
    return all;
  }
}

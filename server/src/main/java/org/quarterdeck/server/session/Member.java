package org.quarterdeck.server.session;

import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.server.port.Connection;

/** Someone in a session, known by the hash of their token: a player, a spectator or the facilitator. */
final class Member {
  final Role role;
  final String tokenHash;
  final String displayName;
  /** The seat a player sits in; null for spectators and the facilitator. */
  SeatState seat;
  /** The live connection, or null while disconnected. */
  Connection connection;
  boolean removed;

  Member(Role role, String tokenHash, String displayName) {
    this.role = role;
    this.tokenHash = tokenHash;
    this.displayName = displayName;
  }

  boolean connected() {
    return connection != null;
  }
}

package org.quarterdeck.server.port;

import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ErrorCode;

/** Where the dispatcher sends every message that concerns a game session. */
public interface SessionGateway {
  void handle(Connection connection, ClientMessage message);

  default void disconnected(Connection connection) {}

  /**
   * A credential the facilitator {@code connection} signed in as may sign in with on the node it is
   * relayed to (a cluster's); empty when it is not signed in or the server is not a cluster node.
   */
  default java.util.Optional<String> facilitatorPass(Connection connection) {
    return java.util.Optional.empty();
  }

  /** A gateway for a server without game sessions: every such message gets UNAVAILABLE. */
  static SessionGateway unavailable() {
    return (connection, message) ->
        connection.sendError(
            message.getRequestId(),
            ErrorCode.UNAVAILABLE,
            message.getBodyCase() + " is not served by this server build");
  }
}

package org.quarterdeck.server.net;

import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.server.port.Connection;

/** Receives every parsed client envelope, on the connection's event loop. */
public interface Dispatcher {
  void dispatch(Connection connection, ClientMessage message);

  /** The connection closed, for whatever reason. */
  default void disconnected(Connection connection) {}
}

package org.quarterdeck.server.net;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.quarterdeck.server.port.Connection;

/** The open connections, so that shutdown can say goodbye to each. */
public final class ConnectionRegistry {
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();

  void add(Connection connection) {
    open.add(connection);
  }

  void remove(Connection connection) {
    open.remove(connection);
  }

  public int size() {
    return open.size();
  }

  public List<Connection> snapshot() {
    return List.copyOf(open);
  }
}

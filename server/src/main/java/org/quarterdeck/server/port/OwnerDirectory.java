package org.quarterdeck.server.port;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;

/**
 * Which node serves a session, for a server that is one node of several: here, on another node
 * (reach it there), or moving (its node stopped answering; ask again soon). The cluster answers it
 * from its database ({@code cluster.SessionOwners}); a single server needs none. This is the one
 * "where is a session" seam: the session layer answers only for itself ({@code
 * SessionManager.sessionHere}), synchronously, and asks nobody else.
 */
public interface OwnerDirectory {
  /**
   * Finds the node that serves the session {@code key} names (HERE for one nobody serves: this node
   * answers as a single server would); fails only when it cannot ask (the database is away).
   */
  CompletableFuture<Place> locate(SessionKey key);

  /**
   * Whether {@code node} held its lease at the last look (at most about a second old): a relay to a
   * node that lost it is closed, so that its clients reconnect to the session's next owner.
   */
  boolean live(String node);

  /** Where a session is served. */
  enum Where {
    /** On this node (or it is not known at all: this node answers, as a single server would). */
    HERE,
    /** On another live node: relay to it. */
    ELSEWHERE,
    /** Its node stopped answering and no survivor serves it yet: try again in a moment. */
    MOVING
  }

  /**
   * @param node the owning node's id ("" when HERE)
   * @param tcpAddress the owner's internal game port, {@code host:port} (ELSEWHERE only)
   * @param httpAddress the owner's HTTP base URL (ELSEWHERE only)
   */
  record Place(Where where, String node, String tcpAddress, String httpAddress) {
    public Place {
      requireNonNull(where, "where");
      requireNonNull(node, "node");
      requireNonNull(tcpAddress, "tcpAddress");
      requireNonNull(httpAddress, "httpAddress");
    }

    public static Place here() {
      return new Place(Where.HERE, "", "", "");
    }

    public static Place moving(String node) {
      return new Place(Where.MOVING, node, "", "");
    }

    public static Place elsewhere(String node, String tcpAddress, String httpAddress) {
      return new Place(Where.ELSEWHERE, node, tcpAddress, httpAddress);
    }
  }
}

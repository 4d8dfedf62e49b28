package org.quarterdeck.server.port;

import static java.util.Objects.requireNonNull;

/** Where a session lives, as a {@link SessionLocator} answers. */
public sealed interface SessionLocation
    permits SessionLocation.Here, SessionLocation.Elsewhere, SessionLocation.Unknown {

  /** This node runs the session. */
  record Here(String sessionId) implements SessionLocation {
    public Here {
      requireNonNull(sessionId, "sessionId");
    }
  }

  /**
   * Another node owns the session: the connection is proxied there, or the client is sent there.
   *
   * @param ownerNode the owning node's id
   * @param ownerAddress how to reach it (its internal or public address, as the locator knows it;
   *     "" when unknown)
   */
  record Elsewhere(String sessionId, String ownerNode, String ownerAddress)
      implements SessionLocation {
    public Elsewhere {
      requireNonNull(sessionId, "sessionId");
      requireNonNull(ownerNode, "ownerNode");
      requireNonNull(ownerAddress, "ownerAddress");
    }
  }

  /** No session by that name (as far as this locator knows). */
  record Unknown() implements SessionLocation {}

  /** The one {@link Unknown}. */
  SessionLocation UNKNOWN = new Unknown();
}

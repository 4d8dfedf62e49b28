package org.quarterdeck.server.cluster;

/**
 * A record could not be stored in the cluster's database (it is down, the writer is overloaded, or
 * this node no longer owns the session); the session's clients get UNAVAILABLE.
 */
public final class ClusterStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ClusterStoreException(String message) {
    super(message);
  }

  ClusterStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}

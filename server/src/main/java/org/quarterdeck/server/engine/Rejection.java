package org.quarterdeck.server.engine;

import static java.util.Objects.requireNonNull;

/**
 * A refused decision or injection: a typed code and a message naming the act, field or value.
 *
 * @param field the offending field, e.g. {@code hours[coaching]} or {@code turn}
 */
public record Rejection(RejectionCode code, String field, String message) {
  public Rejection {
    requireNonNull(code, "code");
    requireNonNull(field, "field");
    requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return code + " (" + field + "): " + message;
  }
}

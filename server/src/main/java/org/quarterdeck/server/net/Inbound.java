package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

import org.quarterdeck.protocol.v1.ClientMessage;

/** A client envelope that parsed, with the format it came in. */
public record Inbound(ClientMessage message, WireFormat format) {
  public Inbound {
    requireNonNull(message, "message");
    requireNonNull(format, "format");
  }
}

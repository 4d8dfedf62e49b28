package org.quarterdeck.server.net;

/** How envelopes are encoded on a connection; the server answers in the format the client used. */
public enum WireFormat {
  /** Protobuf binary: WebSocket binary frames and TCP frames. */
  BINARY,
  /** The canonical proto3 JSON mapping: WebSocket text frames. */
  JSON
}

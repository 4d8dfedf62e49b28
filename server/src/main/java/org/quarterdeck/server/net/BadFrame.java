package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

import org.quarterdeck.protocol.v1.ErrorCode;

/**
 * A frame that could not become a client envelope. Decoders pass it down the pipeline so that the
 * connection answers with a typed error instead of failing silently.
 *
 * @param requestId the request id when it could still be read, else 0
 * @param fatal true when the byte stream cannot be trusted any more and the connection must close
 */
public record BadFrame(
    long requestId, ErrorCode code, String message, WireFormat format, boolean fatal) {
  public BadFrame {
    requireNonNull(code, "code");
    requireNonNull(message, "message");
    requireNonNull(format, "format");
  }
}

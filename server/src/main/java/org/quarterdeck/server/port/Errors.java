package org.quarterdeck.server.port;

import org.quarterdeck.protocol.v1.Error;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.ServerMessage;

/** Builds typed error envelopes. */
public final class Errors {
  private static final int MAX_MESSAGE_CHARS = 1000;

  private Errors() {}

  public static ServerMessage reply(long requestId, ErrorCode code, String message) {
    return reply(requestId, code, message, 0);
  }

  public static ServerMessage reply(
      long requestId, ErrorCode code, String message, int retryAfterMs) {
    String text =
        message.length() > MAX_MESSAGE_CHARS
            ? message.substring(0, MAX_MESSAGE_CHARS - 1) + "…"
            : message;
    return ServerMessage.newBuilder()
        .setRequestId(requestId)
        .setError(Error.newBuilder().setCode(code).setMessage(text).setRetryAfterMs(retryAfterMs))
        .build();
  }
}

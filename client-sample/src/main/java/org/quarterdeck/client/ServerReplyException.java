package org.quarterdeck.client;

import org.quarterdeck.protocol.v1.Error;

/** The server answered a request with a typed error. */
public final class ServerReplyException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Error error;

  public ServerReplyException(Error error) {
    super(error.getCode() + ": " + error.getMessage());
    this.error = error;
  }

  public Error error() {
    return error;
  }
}

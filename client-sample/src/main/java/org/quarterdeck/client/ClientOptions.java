package org.quarterdeck.client;

import java.time.Duration;

/**
 * How a {@link QuarterdeckClient} talks to the server.
 *
 * @param json on WebSocket, send text frames with the proto3 JSON mapping instead of binary
 * @param requestTimeout how long a request waits for its reply
 * @param maxFrameBytes the largest frame accepted from the server
 */
public record ClientOptions(boolean json, Duration requestTimeout, int maxFrameBytes) {
  public static ClientOptions defaults() {
    return new ClientOptions(false, Duration.ofSeconds(10), 1024 * 1024);
  }

  public ClientOptions withJson(boolean useJson) {
    return new ClientOptions(useJson, requestTimeout, maxFrameBytes);
  }

  public ClientOptions withRequestTimeout(Duration timeout) {
    return new ClientOptions(json, timeout, maxFrameBytes);
  }
}

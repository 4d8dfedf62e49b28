package org.quarterdeck.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a {@link QuarterdeckClient} talks to the server.
 *
 * @param json on WebSocket, send text frames with the proto3 JSON mapping instead of binary
 * @param requestTimeout how long a request waits for its reply
 * @param maxFrameBytes the largest frame accepted from the server
 * @param reconnect how the client reconnects and resumes after a drop; {@link Reconnect#NEVER}
 *     turns automatic resume off
 */
public record ClientOptions(
    boolean json, Duration requestTimeout, int maxFrameBytes, Reconnect reconnect) {

  public ClientOptions {
    requireNonNull(requestTimeout, "requestTimeout");
    requireNonNull(reconnect, "reconnect");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive");
    }
  }

  /**
   * The backoff between reconnection attempts after a drop: the first waits {@code initial}, each
   * next one twice as long up to {@code max}; after {@code attempts} failures the client gives up
   * and closes for good.
   */
  public record Reconnect(Duration initial, Duration max, int attempts) {
    /** Never reconnect: a drop closes the client. */
    public static final Reconnect NEVER =
        new Reconnect(Duration.ofMillis(1), Duration.ofMillis(1), 0);

    public Reconnect {
      requireNonNull(initial, "initial");
      requireNonNull(max, "max");
      if (initial.isNegative() || max.compareTo(initial) < 0 || attempts < 0) {
        throw new IllegalArgumentException("need 0 <= initial <= max and attempts >= 0");
      }
    }

    /** 100 ms, doubling up to 5 s, 20 attempts (about a minute and a half of trying). */
    public static Reconnect defaults() {
      return new Reconnect(Duration.ofMillis(100), Duration.ofSeconds(5), 20);
    }

    /** The wait before attempt {@code n} (1-based). */
    Duration delay(int n) {
      long ms = initial.toMillis() << Math.min(20, Math.max(0, n - 1));
      return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }
  }

  public static ClientOptions defaults() {
    return new ClientOptions(false, Duration.ofSeconds(10), 1024 * 1024, Reconnect.defaults());
  }

  public ClientOptions withJson(boolean useJson) {
    return new ClientOptions(useJson, requestTimeout, maxFrameBytes, reconnect);
  }

  public ClientOptions withRequestTimeout(Duration timeout) {
    return new ClientOptions(json, timeout, maxFrameBytes, reconnect);
  }

  public ClientOptions withReconnect(Reconnect policy) {
    return new ClientOptions(json, requestTimeout, maxFrameBytes, policy);
  }
}

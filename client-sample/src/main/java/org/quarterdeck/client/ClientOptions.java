package org.quarterdeck.client;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link QuarterdeckClient} talks to the server.
 *
 * @param json on WebSocket, send text frames with the proto3 JSON mapping instead of binary
 * @param requestTimeout how long a request waits for its reply
 * @param maxFrameBytes the largest frame accepted from the server
 * @param reconnect how the client reconnects and resumes after a drop or a Goodbye that lets it
 *     come back (a server shutting down or draining); {@link Reconnect#NEVER} turns automatic
 *     resume off
 * @param retryUnavailable send a request again, after the server's {@code retry_after_ms}, when it
 *     is answered UNAVAILABLE with that hint (nothing changed: a session moving to another node or
 *     being rebuilt), until the request timeout is used up; off in {@link #defaults()}, on for the
 *     command line's {@code play}, {@code facilitate} and {@code bots}
 * @param trustCertificate a PEM file with the CA or the server certificate to trust for {@code
 *     wss://} and {@code tcps://}; null trusts the JDK's default certificate authorities
 */
public record ClientOptions(
    boolean json,
    Duration requestTimeout,
    int maxFrameBytes,
    Reconnect reconnect,
    boolean retryUnavailable,
    Path trustCertificate) {

  public ClientOptions {
    requireNonNull(requestTimeout, "requestTimeout");
    requireNonNull(reconnect, "reconnect");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive");
    }
  }

  /** Without retries on UNAVAILABLE and with the JDK's default trust. */
  public ClientOptions(
      boolean json, Duration requestTimeout, int maxFrameBytes, Reconnect reconnect) {
    this(json, requestTimeout, maxFrameBytes, reconnect, false, null);
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
    return new ClientOptions(
        useJson, requestTimeout, maxFrameBytes, reconnect, retryUnavailable, trustCertificate);
  }

  public ClientOptions withRequestTimeout(Duration timeout) {
    return new ClientOptions(
        json, timeout, maxFrameBytes, reconnect, retryUnavailable, trustCertificate);
  }

  public ClientOptions withReconnect(Reconnect policy) {
    return new ClientOptions(
        json, requestTimeout, maxFrameBytes, policy, retryUnavailable, trustCertificate);
  }

  /** Follows UNAVAILABLE with {@code retry_after_ms} by sending the request again (or not). */
  public ClientOptions withRetryUnavailable(boolean retry) {
    return new ClientOptions(
        json, requestTimeout, maxFrameBytes, reconnect, retry, trustCertificate);
  }

  /** Trusts the CA or server certificate in a PEM file (null: the JDK's default trust). */
  public ClientOptions withTrustCertificate(Path pemFile) {
    return new ClientOptions(
        json, requestTimeout, maxFrameBytes, reconnect, retryUnavailable, pemFile);
  }

  /** What the command line's {@code play}, {@code facilitate} and {@code bots} use. */
  public static ClientOptions forPeople() {
    return defaults().withRetryUnavailable(true);
  }
}

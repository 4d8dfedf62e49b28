package org.quarterdeck.server.net;

import java.time.Duration;

/**
 * The limits every connection lives under, whatever its transport.
 *
 * @param maxFrameBytes largest frame or message accepted (WebSocket payload, TCP frame body)
 * @param parseRecursionLimit deepest protobuf nesting accepted
 * @param handshakeTimeout time allowed between connecting and a completed Hello
 * @param idleTimeout silence after which the server pings; twice this closes the connection
 * @param writeBufferLowBytes outbound buffer low-water mark
 * @param writeBufferHighBytes outbound buffer high-water mark: a connection whose buffer stays
 *     above it (a slow reader) is closed so memory stays flat
 * @param messagesPerSecond sustained inbound messages allowed per connection
 * @param messageBurst inbound messages allowed in a burst
 * @param maxConsecutiveBadFrames bad frames in a row after which the connection is closed
 */
public record NetLimits(
    int maxFrameBytes,
    int parseRecursionLimit,
    Duration handshakeTimeout,
    Duration idleTimeout,
    int writeBufferLowBytes,
    int writeBufferHighBytes,
    int messagesPerSecond,
    int messageBurst,
    int maxConsecutiveBadFrames) {

  /** The defaults the protocol reference documents. */
  public static NetLimits defaults() {
    return new NetLimits(
        64 * 1024, 32, Duration.ofSeconds(10), Duration.ofSeconds(60), 256 * 1024, 1024 * 1024,
        100, 200, 16);
  }

  public NetLimits {
    if (maxFrameBytes < 1024) {
      throw new IllegalArgumentException("maxFrameBytes must be at least 1024, was " + maxFrameBytes);
    }
    if (parseRecursionLimit < 8) {
      throw new IllegalArgumentException("parseRecursionLimit must be at least 8");
    }
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be positive");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive");
    }
    if (writeBufferLowBytes <= 0 || writeBufferHighBytes < writeBufferLowBytes) {
      throw new IllegalArgumentException("need 0 < writeBufferLowBytes <= writeBufferHighBytes");
    }
    if (messagesPerSecond <= 0 || messageBurst < 1) {
      throw new IllegalArgumentException("messagesPerSecond and messageBurst must be positive");
    }
    if (maxConsecutiveBadFrames < 1) {
      throw new IllegalArgumentException("maxConsecutiveBadFrames must be positive");
    }
  }

  public NetLimits withMaxFrameBytes(int bytes) {
    return new NetLimits(bytes, parseRecursionLimit, handshakeTimeout, idleTimeout,
        writeBufferLowBytes, writeBufferHighBytes, messagesPerSecond, messageBurst,
        maxConsecutiveBadFrames);
  }

  public NetLimits withTimeouts(Duration handshake, Duration idle) {
    return new NetLimits(maxFrameBytes, parseRecursionLimit, handshake, idle,
        writeBufferLowBytes, writeBufferHighBytes, messagesPerSecond, messageBurst,
        maxConsecutiveBadFrames);
  }

  public NetLimits withRate(int perSecond, int burst) {
    return new NetLimits(maxFrameBytes, parseRecursionLimit, handshakeTimeout, idleTimeout,
        writeBufferLowBytes, writeBufferHighBytes, perSecond, burst, maxConsecutiveBadFrames);
  }

  public NetLimits withWriteBuffer(int low, int high) {
    return new NetLimits(maxFrameBytes, parseRecursionLimit, handshakeTimeout, idleTimeout,
        low, high, messagesPerSecond, messageBurst, maxConsecutiveBadFrames);
  }
}

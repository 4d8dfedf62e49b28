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
 * @param writeBufferHighBytes outbound buffer high-water mark: while the buffer is above it the
 *     connection is watched for progress (see {@code slowReaderGrace})
 * @param messagesPerSecond sustained inbound messages allowed per connection
 * @param messageBurst inbound messages allowed in a burst
 * @param maxConsecutiveBadFrames bad frames in a row after which the connection is closed
 * @param slowReaderGrace how long a connection above the high-water mark may go without a single
 *     byte reaching the client before it is closed as a slow reader; a client that reads, however
 *     large the reply, is never closed
 * @param maxQueuedBytes bytes queued for one connection at most (above it the connection is closed
 *     at once, so memory stays bounded); larger than the largest reply (a replay or a what-if of a
 *     60-team game is about 10 MB)
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
    int maxConsecutiveBadFrames,
    Duration slowReaderGrace,
    long maxQueuedBytes) {

  /** The defaults the protocol reference documents. */
  public static NetLimits defaults() {
    return new NetLimits(
        64 * 1024,
        32,
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        256 * 1024,
        1024 * 1024,
        100,
        200,
        16,
        Duration.ofSeconds(15),
        64L * 1024 * 1024);
  }

  public NetLimits {
    if (maxFrameBytes < 1024) {
      throw new IllegalArgumentException(
          "maxFrameBytes must be at least 1024, was " + maxFrameBytes);
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
    if (slowReaderGrace.isNegative() || slowReaderGrace.isZero()) {
      throw new IllegalArgumentException("slowReaderGrace must be positive");
    }
    if (maxQueuedBytes < writeBufferHighBytes) {
      throw new IllegalArgumentException("maxQueuedBytes must be at least writeBufferHighBytes");
    }
  }

  public NetLimits withMaxFrameBytes(int bytes) {
    Draft d = new Draft(this);
    d.maxFrameBytes = bytes;
    return d.limits();
  }

  public NetLimits withTimeouts(Duration handshake, Duration idle) {
    Draft d = new Draft(this);
    d.handshakeTimeout = handshake;
    d.idleTimeout = idle;
    return d.limits();
  }

  public NetLimits withRate(int perSecond, int burst) {
    Draft d = new Draft(this);
    d.messagesPerSecond = perSecond;
    d.messageBurst = burst;
    return d.limits();
  }

  public NetLimits withWriteBuffer(int low, int high) {
    Draft d = new Draft(this);
    d.writeBufferLowBytes = low;
    d.writeBufferHighBytes = high;
    return d.limits();
  }

  public NetLimits withSlowReader(Duration grace, long maxQueued) {
    Draft d = new Draft(this);
    d.slowReaderGrace = grace;
    d.maxQueuedBytes = maxQueued;
    return d.limits();
  }

  /**
   * A copy of the limits to change a few of, so that each {@code with...} names only what it
   * changes (they used to repeat the whole constructor call each); the record checks the result.
   */
  private static final class Draft {
    int maxFrameBytes;
    final int parseRecursionLimit;
    Duration handshakeTimeout;
    Duration idleTimeout;
    int writeBufferLowBytes;
    int writeBufferHighBytes;
    int messagesPerSecond;
    int messageBurst;
    final int maxConsecutiveBadFrames;
    Duration slowReaderGrace;
    long maxQueuedBytes;

    Draft(NetLimits l) {
      maxFrameBytes = l.maxFrameBytes;
      parseRecursionLimit = l.parseRecursionLimit;
      handshakeTimeout = l.handshakeTimeout;
      idleTimeout = l.idleTimeout;
      writeBufferLowBytes = l.writeBufferLowBytes;
      writeBufferHighBytes = l.writeBufferHighBytes;
      messagesPerSecond = l.messagesPerSecond;
      messageBurst = l.messageBurst;
      maxConsecutiveBadFrames = l.maxConsecutiveBadFrames;
      slowReaderGrace = l.slowReaderGrace;
      maxQueuedBytes = l.maxQueuedBytes;
    }

    NetLimits limits() {
      return new NetLimits(
          maxFrameBytes,
          parseRecursionLimit,
          handshakeTimeout,
          idleTimeout,
          writeBufferLowBytes,
          writeBufferHighBytes,
          messagesPerSecond,
          messageBurst,
          maxConsecutiveBadFrames,
          slowReaderGrace,
          maxQueuedBytes);
    }
  }
}

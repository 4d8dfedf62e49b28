package org.quarterdeck.server.net;

import java.util.function.LongSupplier;

/** A token bucket: {@code perSecond} tokens a second, at most {@code burst} saved up. */
public final class RateLimiter {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final LongSupplier nanoTime;
  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  public RateLimiter(int perSecond, int burst, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.perNano = (double) perSecond / NANOS_PER_SECOND;
    this.burst = burst;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /** Takes a token if there is one. */
  public boolean tryAcquire() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until the next token, at least 1. */
  public int millisUntilNextToken() {
    refill();
    double missing = Math.max(0, 1 - tokens);
    return (int) Math.max(1, Math.ceil(missing / perNano / 1_000_000));
  }

  /** True when the bucket holds at least {@code count} tokens (takes none). */
  boolean holds(double count) {
    refill();
    return tokens >= count;
  }

  /** True when the bucket holds a full burst again (nothing to remember about the client). */
  boolean full() {
    refill();
    return tokens >= burst;
  }

  private void refill() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
  }
}

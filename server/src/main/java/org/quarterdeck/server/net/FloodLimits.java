package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What one client address may ask of the server, whatever its connections: a budget of requests
 * (HTTP requests and game messages together) and a cool-down for an address that keeps exceeding
 * it. A flood spread over many connections (each within its own rate limit) so still ends: first
 * refused (429, RATE_LIMITED), then closed and kept out for {@code cooldown}.
 *
 * @param requestsPerSecond requests a second one address may send, sustained
 * @param requestBurst requests one address may send in a burst (a room behind one NAT loading its
 *     pages at once)
 * @param refusalsBeforeCooldown requests or connections refused within {@link #REFUSAL_WINDOW}
 *     after which the address is cooled down
 * @param cooldown how long a cooled-down address's connections are closed on their next request and
 *     its new connections refused at once
 */
public record FloodLimits(
    int requestsPerSecond, int requestBurst, int refusalsBeforeCooldown, Duration cooldown) {

  /** The window in which refusals are counted. */
  public static final Duration REFUSAL_WINDOW = Duration.ofSeconds(10);

  public FloodLimits {
    requireNonNull(cooldown, "cooldown");
    if (requestsPerSecond < 1 || requestBurst < 1 || refusalsBeforeCooldown < 1) {
      throw new IllegalArgumentException("flood limits must be positive");
    }
    if (cooldown.isNegative() || cooldown.isZero()) {
      throw new IllegalArgumentException("cooldown must be positive, was " + cooldown);
    }
  }

  /**
   * 500 requests a second per address, bursts of 2,000, a cool-down of 30 s after 100 refusals in
   * 10 s. A workshop of 60 phones behind one NAT loading the player page costs about 660 requests
   * (the page, a style sheet, seven scripts, the icon and the WebSocket upgrade each), then about
   * one game message a phone every few seconds: three such page loads at once fit the burst.
   */
  public static FloodLimits defaults() {
    return new FloodLimits(500, 2000, 100, Duration.ofSeconds(30));
  }

  /** {@code perSecond} sustained with bursts of four times that, the rest as they are. */
  public FloodLimits withRequestsPerSecond(int perSecond) {
    return new FloodLimits(
        perSecond,
        (int) Math.min(Integer.MAX_VALUE, 4L * perSecond),
        refusalsBeforeCooldown,
        cooldown);
  }

  public FloodLimits withCooldown(Duration value) {
    return new FloodLimits(requestsPerSecond, requestBurst, refusalsBeforeCooldown, value);
  }
}

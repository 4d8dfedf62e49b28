package org.quarterdeck.server.net;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One client address's standing under {@link FloodLimits}: its request budget, the refusals counted
 * in the current window, and the end of its cool-down. Shared by every connection of the address,
 * on any event loop (hence synchronized: a charge is a few arithmetic operations).
 *
 * <p>Once the budget has refused a request it is <em>spent</em> until it holds a tenth of its burst
 * again: meanwhile new connections of the address are refused as they are accepted (each refusal
 * counting towards the cool-down), so a flooder that reconnects as soon as it is closed reaches its
 * cool-down in a few reconnects' time and costs no event loop a pipeline or a 429 per reconnect.
 */
final class AddressBudget {
  /**
   * How an address reached its cool-down (for the log line that reports it).
   *
   * @param allowedBefore requests the budget allowed before the first refusal of the window
   * @param refusals refusals counted in the window
   * @param refusingNanos from the first refusal of the window to the cool-down
   */
  record Cooldown(long allowedBefore, int refusals, long refusingNanos) {}

  private final FloodLimits limits;
  private final LongSupplier nanoTime;
  private final RateLimiter requests;
  private final Consumer<Cooldown> onCooldown;
  private long windowStart;
  private int refusedInWindow;
  private long cooledUntil;
  private boolean cooling;
  private boolean spent;
  private long allowed;
  private long allowedAtWindowStart;

  /**
   * @param onCooldown told (under this budget's lock, so it must not call back) when a cool-down
   *     starts
   */
  AddressBudget(FloodLimits limits, LongSupplier nanoTime, Consumer<Cooldown> onCooldown) {
    this.limits = limits;
    this.nanoTime = nanoTime;
    this.onCooldown = onCooldown;
    this.requests = new RateLimiter(limits.requestsPerSecond(), limits.requestBurst(), nanoTime);
  }

  int requestsPerSecond() {
    return limits.requestsPerSecond();
  }

  /** Takes one request from the budget. */
  synchronized RequestVerdict charge() {
    long now = nanoTime.getAsLong();
    if (coolingDown(now)) {
      return RequestVerdict.COOLING_DOWN;
    }
    if (requests.tryAcquire()) {
      allowed++;
      return RequestVerdict.ALLOWED;
    }
    spent = true;
    return refused(now) ? RequestVerdict.COOLING_DOWN : RequestVerdict.REFUSED;
  }

  /**
   * Whether a new connection of this address may go on: not while it cools down (not counted: a
   * cool-down is neither extended nor restarted), nor while its budget is spent (counted as a
   * refusal).
   */
  synchronized boolean admitsConnection() {
    long now = nanoTime.getAsLong();
    if (coolingDown(now)) {
      return false;
    }
    if (spent) {
      if (!requests.holds(Math.max(1, limits.requestBurst() / 10))) {
        refused(now);
        return false;
      }
      spent = false;
    }
    return true;
  }

  /**
   * A connection of this address was refused (over a cap or arriving too fast), or one of its
   * requests by the connection's own rate limit.
   */
  synchronized void connectionRefused() {
    refused(nanoTime.getAsLong());
  }

  synchronized boolean coolingDown() {
    return coolingDown(nanoTime.getAsLong());
  }

  /** Milliseconds until the cool-down ends (0 when not cooling down). */
  synchronized long cooldownMillisLeft() {
    long now = nanoTime.getAsLong();
    return coolingDown(now) ? Math.max(1, (cooledUntil - now) / 1_000_000) : 0;
  }

  /** Milliseconds until the budget holds a request again. */
  synchronized int millisUntilNextRequest() {
    return requests.millisUntilNextToken();
  }

  /** True when there is nothing to remember: a full budget, no refusals, no cool-down. */
  synchronized boolean idle() {
    long now = nanoTime.getAsLong();
    return !coolingDown(now)
        && (refusedInWindow == 0 || now - windowStart > window())
        && requests.full();
  }

  /** Counts a refusal; true when it starts a cool-down (or one is under way). */
  private boolean refused(long now) {
    if (coolingDown(now)) {
      return true; // refusals during a cool-down neither count nor extend it
    }
    if (refusedInWindow == 0 || now - windowStart > window()) {
      windowStart = now;
      refusedInWindow = 0;
      allowedAtWindowStart = allowed;
    }
    if (++refusedInWindow > limits.refusalsBeforeCooldown()) {
      cooling = true;
      cooledUntil = now + limits.cooldown().toNanos();
      onCooldown.accept(new Cooldown(allowedAtWindowStart, refusedInWindow, now - windowStart));
      refusedInWindow = 0;
      return true;
    }
    return false;
  }

  private boolean coolingDown(long now) {
    if (cooling && now - cooledUntil >= 0) {
      cooling = false;
    }
    return cooling;
  }

  private static long window() {
    return FloodLimits.REFUSAL_WINDOW.toNanos();
  }
}

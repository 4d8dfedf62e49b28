package org.quarterdeck.server.testing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits until a condition holds, looking often at first and then less often (1 ms doubling to 100
 * ms), and fails with what was awaited if it never does: tests wait for what they need, not for a
 * guessed time. The bound is generous on purpose (a busy CI machine); it ends as soon as the
 * condition holds.
 */
public final class Await {
  private Await() {}

  public static void until(String what, Duration atMost, BooleanSupplier condition) {
    requireNonNull(what, "what");
    long deadline = System.nanoTime() + atMost.toNanos();
    long pause = 1_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + atMost.toSeconds() + " s: " + what);
      }
      LockSupport.parkNanos(pause);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what);
      }
      pause = Math.min(pause * 2, 100_000_000L);
    }
  }
}

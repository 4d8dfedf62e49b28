package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GuessLimiterTest {
  private static final String NAT = "203.0.113.7";

  @Test
  void aConnectionThatKeepsMissingIsRefusedWithAGrowingWait() {
    GuessLimiter limiter = new GuessLimiter(3, 50);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limiter.waitMillis(1, NAT, 0));
      limiter.failed(1, NAT, 0);
    }
    assertEquals(1000, limiter.waitMillis(1, NAT, 0));
    limiter.failed(1, NAT, 1000);
    assertEquals(2000, limiter.waitMillis(1, NAT, 1000), "the wait doubles per further miss");
  }

  @Test
  void aConnectionThatNeverMissedIsNeverRefusedEvenFromTheGuessersAddress() {
    GuessLimiter limiter = new GuessLimiter(5, 20);
    for (long connection = 100; connection < 140; connection++) {
      limiter.failed(connection, NAT, 10);
    }
    assertTrue(limiter.waitMillis(100, NAT, 20) > 0, "the guesser's connections are refused");
    for (long player = 1; player <= 60; player++) {
      assertEquals(0, limiter.waitMillis(player, NAT, 20), "player " + player + " joins");
    }
  }

  @Test
  void theAddressWindowPasses() {
    GuessLimiter limiter = new GuessLimiter(5, 5);
    for (int i = 0; i < 5; i++) {
      limiter.failed(1000 + i, NAT, 0);
    }
    assertTrue(limiter.waitMillis(1000, NAT, 1) > 0);
    assertEquals(0, limiter.waitMillis(1000, NAT, GuessLimiter.WINDOW_MS + 1));
  }

  @Test
  void aClosedConnectionIsForgotten() {
    GuessLimiter limiter = new GuessLimiter(1, 100);
    limiter.failed(7, NAT, 0);
    assertTrue(limiter.waitMillis(7, NAT, 0) > 0);
    limiter.forget(7);
    assertEquals(0, limiter.waitMillis(7, NAT, 0));
  }
}

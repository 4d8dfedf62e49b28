package org.quarterdeck.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One address's request budget and cool-down, on a clock the test advances. */
class AddressBudgetTest {
  private static final FloodLimits LIMITS = new FloodLimits(10, 20, 5, Duration.ofSeconds(30));

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<AddressBudget.Cooldown> causes = new ArrayList<>();
  private final AtomicInteger cooldowns = new AtomicInteger();
  private final AddressBudget budget =
      new AddressBudget(
          LIMITS,
          now::get,
          cause -> {
            causes.add(cause);
            cooldowns.incrementAndGet();
          });

  private void advanceMillis(long millis) {
    now.addAndGet(millis * 1_000_000);
  }

  @Test
  void aBurstIsAllowedThenRefusedThenRefilled() {
    for (int i = 0; i < 20; i++) {
      assertEquals(RequestVerdict.ALLOWED, budget.charge(), "request " + i);
    }
    assertEquals(RequestVerdict.REFUSED, budget.charge());
    assertEquals(100, budget.millisUntilNextRequest());
    advanceMillis(100);
    assertEquals(RequestVerdict.ALLOWED, budget.charge());
    assertEquals(0, cooldowns.get());
  }

  @Test
  void anAddressThatKeepsExceedingCoolsDownForTheCooldownThenIsForgiven() {
    for (int i = 0; i < 20; i++) {
      budget.charge();
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(RequestVerdict.REFUSED, budget.charge(), "refusal " + i);
    }
    assertEquals(RequestVerdict.COOLING_DOWN, budget.charge(), "the sixth refusal");
    assertEquals(1, cooldowns.get());
    assertTrue(budget.coolingDown());
    advanceMillis(10_000);
    assertEquals(RequestVerdict.COOLING_DOWN, budget.charge(), "a full budget does not end it");
    assertEquals(20_000, budget.cooldownMillisLeft());
    assertFalse(budget.idle(), "a cooling address is remembered");
    advanceMillis(20_000);
    assertFalse(budget.coolingDown());
    assertEquals(RequestVerdict.ALLOWED, budget.charge());
    assertEquals(1, cooldowns.get());
  }

  @Test
  void refusedConnectionsCountTowardsTheCooldown() {
    for (int i = 0; i < 6; i++) {
      budget.connectionRefused();
    }
    assertTrue(budget.coolingDown());
    assertEquals(1, cooldowns.get());
    for (int i = 0; i < 20; i++) {
      budget.connectionRefused();
    }
    assertEquals(1, cooldowns.get(), "refusals during a cool-down do not start another");
    assertEquals(30_000, budget.cooldownMillisLeft(), "nor extend it");
  }

  @Test
  void refusalsSpreadBeyondTheWindowNeverCoolDown() {
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < 5; i++) {
        budget.connectionRefused();
      }
      advanceMillis(FloodLimits.REFUSAL_WINDOW.toMillis() + 1);
    }
    assertFalse(budget.coolingDown());
    assertTrue(budget.idle(), "nothing left to remember");
  }

  @Test
  void aSpentBudgetRefusesNewConnectionsUntilATenthOfItsBurstIsBack() {
    assertTrue(budget.admitsConnection(), "a fresh address");
    for (int i = 0; i < 20; i++) {
      budget.charge();
    }
    assertTrue(budget.admitsConnection(), "an empty budget that refused nothing is not spent");
    assertEquals(RequestVerdict.REFUSED, budget.charge(), "refusal 1");
    assertFalse(budget.admitsConnection(), "refusal 2: spent");
    advanceMillis(100); // one token back, a tenth of the burst is two
    assertFalse(budget.admitsConnection(), "refusal 3: still spent");
    advanceMillis(110);
    assertTrue(budget.admitsConnection(), "two tokens back");
    assertEquals(RequestVerdict.ALLOWED, budget.charge());
    assertTrue(budget.admitsConnection(), "no longer spent until the next refusal");
    assertEquals(0, cooldowns.get());
  }

  @Test
  void aFlooderReconnectingToASpentBudgetIsCooledDownWithinItsReconnects() {
    for (int i = 0; i < 20; i++) {
      budget.charge();
    }
    advanceMillis(3);
    assertEquals(RequestVerdict.REFUSED, budget.charge(), "refusal 1");
    for (int i = 2; i <= 5; i++) {
      advanceMillis(1);
      assertFalse(budget.admitsConnection(), "refusal " + i);
      assertFalse(budget.coolingDown());
    }
    advanceMillis(1);
    assertFalse(budget.admitsConnection(), "refusal 6");
    assertTrue(budget.coolingDown());
    assertEquals(List.of(new AddressBudget.Cooldown(20, 6, 5_000_000L)), causes);
    advanceMillis(1);
    assertFalse(budget.admitsConnection(), "refused while cooling down");
    assertEquals(1, cooldowns.get(), "without starting another cool-down");
  }

  @Test
  void limitsMustBePositive() {
    assertThrows(
        IllegalArgumentException.class, () -> new FloodLimits(0, 1, 1, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new FloodLimits(1, 1, 1, Duration.ZERO));
    assertEquals(2000, FloodLimits.defaults().withRequestsPerSecond(500).requestBurst());
  }
}

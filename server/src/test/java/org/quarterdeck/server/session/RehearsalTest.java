package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RehearsalTest {
  @Test
  void everyThrowawayGameIsPlayedToItsEndByItsDeadlines() {
    // of two people, and one in four of four people and a bot; twelve turns each; more games than
    // one address may create in an hour without a quota
    int games = SessionLimits.DEFAULTS.creationsPerAddressPerHour() + 1;
    assertEquals(games * 12, new Rehearsal(games).play());
  }

  @Test
  void noGamesPlaysNothing() {
    assertEquals(0, new Rehearsal(0).play());
  }

  @Test
  void aNegativeCountIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Rehearsal(-1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }
}

package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RehearsalTest {
  @Test
  void everyThrowawayGameIsPlayedToItsEndByItsDeadlines() {
    // four games: three of two people, one of four people and a bot; twelve turns each
    assertEquals(4 * 12, new Rehearsal(4).play());
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

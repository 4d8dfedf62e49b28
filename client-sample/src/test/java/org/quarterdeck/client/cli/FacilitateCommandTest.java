package org.quarterdeck.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.AssignSeat;
import org.quarterdeck.protocol.v1.Hat;

class FacilitateCommandTest {
  private static final ZonedDateTime MORNING =
      ZonedDateTime.of(2026, 11, 27, 10, 30, 0, 0, ZoneId.of("Europe/Paris"));

  @Test
  void untilMeansTheNextTimeThatTimeOfDayComesRound() {
    assertEquals(
        MORNING.withHour(10).withMinute(45), FacilitateCommand.nextTimeOfDay("10:45", MORNING));
    assertEquals(
        MORNING.plusDays(1).withHour(9).withMinute(15).withSecond(30),
        FacilitateCommand.nextTimeOfDay("09:15:30", MORNING),
        "passed today: tomorrow");
    assertEquals(MORNING.plusDays(1), FacilitateCommand.nextTimeOfDay("10:30", MORNING));
    assertThrows(
        IllegalArgumentException.class,
        () -> FacilitateCommand.nextTimeOfDay("quarter past", MORNING));
  }

  @Test
  void assignMovesAPlayerOrGivesASeatABot() {
    AssignSeat move = FacilitateCommand.assignment(List.of("assign", "2/leader", "3")).build();
    assertEquals(1, move.getFrom().getTeam());
    assertEquals(Hat.LEADER, move.getFrom().getHat());
    assertEquals(2, move.getTo().getTeam());
    assertEquals(Hat.BOTH, move.getTo().getHat());
    assertTrue(move.getBotStrategy().isEmpty());

    AssignSeat bot =
        FacilitateCommand.assignment(List.of("assign", "1/manager", "bot", "numbers")).build();
    assertEquals(0, bot.getTo().getTeam());
    assertEquals(Hat.MANAGER, bot.getTo().getHat());
    assertEquals("numbers", bot.getBotStrategy());
    assertTrue(!bot.hasFrom());

    assertThrows(
        IllegalArgumentException.class,
        () -> FacilitateCommand.assignment(List.of("assign", "1/cook", "2")));
    assertThrows(
        IllegalArgumentException.class, () -> FacilitateCommand.assignment(List.of("assign", "1")));
  }
}

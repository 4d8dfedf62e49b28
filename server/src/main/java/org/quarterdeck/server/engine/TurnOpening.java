package org.quarterdeck.server.engine;

import java.util.List;

/**
 * What a seat sees when a turn opens: its hours, the events announced for the turn and the dilemmas
 * it must answer.
 *
 * @param turn 1-based turn number
 * @param quarter 1-based quarter number
 * @param turnInQuarter 1-based position of the turn in its quarter
 * @param turnsPerQuarter turns in a quarter (the quarter closes after the last)
 * @param budgetHours contracted hours of the seat this turn
 * @param interruptionHours mandatory hours taken first (inbox, boss requests, incidents)
 * @param freeHours budget minus interruptions: hours the seat can book without overtime
 * @param maxOvertimeHours extra hours the seat may book on top of the free hours
 * @param events events that will hit the team this turn (scheduled and drawn from the deck)
 * @param dilemmas dilemmas this seat must answer (empty for a manager hat)
 * @param acts acts this seat may book
 */
public record TurnOpening(
    Seat seat,
    int turn,
    int quarter,
    int turnInQuarter,
    int turnsPerQuarter,
    double budgetHours,
    double interruptionHours,
    double freeHours,
    double maxOvertimeHours,
    List<EventCard> events,
    List<Dilemma> dilemmas,
    List<Act> acts) {

  public TurnOpening {
    events = List.copyOf(events);
    dilemmas = List.copyOf(dilemmas);
    acts = List.copyOf(acts);
  }

  /** Most hours this seat may book in total. */
  public double maxBookableHours() {
    return freeHours + maxOvertimeHours;
  }
}

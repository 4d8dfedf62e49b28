package org.quarterdeck.server.engine;

import java.util.List;
import java.util.Optional;

/**
 * What happened to one team in one turn, explained: every variable that moved with its causes
 * (including delayed effects of earlier acts), the events that hit, the dilemma options taken and
 * whether any seat's decision was a default.
 *
 * @param defaultedSeats seats that did not submit and got the scenario's default decision
 */
public record TeamReport(
    String teamId,
    int turn,
    List<Seat> defaultedSeats,
    List<EventNote> events,
    List<DilemmaChoice> dilemmaChoices,
    List<VariableDelta> changes,
    Optional<QuarterResult> quarterClosed) {

  public TeamReport {
    defaultedSeats = List.copyOf(defaultedSeats);
    events = List.copyOf(events);
    dilemmaChoices = List.copyOf(dilemmaChoices);
    changes = List.copyOf(changes);
  }

  /** An event that hit the team. {@code eventId} is null for a facilitator's custom event. */
  public record EventNote(String eventId, String title, String narrative, boolean injected) {}

  /** The option a team took (or was given by default) in a dilemma. */
  public record DilemmaChoice(String dilemmaId, String optionId, boolean defaulted) {}

  /** The change of one variable, if it moved or anything contributed to it. */
  public Optional<VariableDelta> change(Var var) {
    return changes.stream().filter(c -> c.var() == var).findFirst();
  }
}

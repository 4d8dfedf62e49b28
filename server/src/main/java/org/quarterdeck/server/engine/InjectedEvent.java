package org.quarterdeck.server.engine;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An event a facilitator injects into the open turn: either a card of the scenario's deck by id, or
 * a custom event whose immediate effects must stay within the scenario's injection limits.
 *
 * @param eventId deck card id, or null for a custom event
 * @param teams ids of the teams it hits; empty = every team
 */
public record InjectedEvent(
    String eventId,
    String title,
    String narrative,
    List<CustomEffect> effects,
    List<String> teams) {

  public InjectedEvent {
    effects = List.copyOf(requireNonNull(effects, "effects"));
    teams = List.copyOf(requireNonNull(teams, "teams"));
  }

  /** One immediate effect of a custom event. */
  public record CustomEffect(Var var, double amount) {
    public CustomEffect {
      requireNonNull(var, "var");
    }
  }

  /** A card of the scenario, by id, for the given teams (empty = all). */
  public static InjectedEvent fromDeck(String eventId, List<String> teams) {
    return new InjectedEvent(requireNonNull(eventId, "eventId"), "", "", List.of(), teams);
  }

  /** A custom event. */
  public static InjectedEvent custom(
      String title, String narrative, List<CustomEffect> effects, List<String> teams) {
    return new InjectedEvent(
        null,
        requireNonNull(title, "title"),
        requireNonNull(narrative, "narrative"),
        effects,
        teams);
  }
}

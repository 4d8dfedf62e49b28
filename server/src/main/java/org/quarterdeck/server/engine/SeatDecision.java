package org.quarterdeck.server.engine;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A seat's raw decision for one turn, as it arrives from a player or a bot: hours per act id and an
 * option id per dilemma id. Nothing is checked here; {@link Game#validate(SeatDecision)} checks all
 * of it and never clamps.
 */
public record SeatDecision(
    Seat seat, int turn, Map<String, Double> hours, Map<String, String> choices) {

  public SeatDecision {
    requireNonNull(seat, "seat");
    // Unmodifiable copies that keep the caller's order and its nulls: validate() refuses a null
    // hour with a typed error, so this constructor must not throw on one (Guava's ImmutableMap
    // would).
    hours = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(hours, "hours")));
    choices = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(choices, "choices")));
  }

  /** A decision builder for a seat and turn. */
  public static Builder builder(Seat seat, int turn) {
    return new Builder(seat, turn);
  }

  /** Collects hours and choices in insertion order. */
  public static final class Builder {
    private final Seat seat;
    private final int turn;
    private final Map<String, Double> hours = new LinkedHashMap<>();
    private final Map<String, String> choices = new LinkedHashMap<>();

    private Builder(Seat seat, int turn) {
      this.seat = requireNonNull(seat, "seat");
      this.turn = turn;
    }

    /** Books hours on an act (adds to hours already booked on it). */
    public Builder hours(String act, double h) {
      hours.merge(act, h, Double::sum);
      return this;
    }

    /** Chooses an option of a dilemma. */
    public Builder choose(String dilemma, String option) {
      choices.put(dilemma, option);
      return this;
    }

    public SeatDecision build() {
      return new SeatDecision(seat, turn, hours, choices);
    }
  }
}

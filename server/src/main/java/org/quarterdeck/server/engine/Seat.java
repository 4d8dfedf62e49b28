package org.quarterdeck.server.engine;

import static java.util.Objects.requireNonNull;

/** A player's place at a team: the team and the hat the player wears. */
public record Seat(String teamId, SeatHat hat) {
  public Seat {
    requireNonNull(teamId, "teamId");
    requireNonNull(hat, "hat");
  }
}

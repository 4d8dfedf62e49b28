package org.quarterdeck.server.http;

import java.util.Optional;

/** Finds the join code a facilitator's permanent room link ({@code /room/NAME}) leads to now. */
@FunctionalInterface
public interface Rooms {
  Optional<String> currentJoinCode(String facilitatorName);

  static Rooms none() {
    return name -> Optional.empty();
  }
}

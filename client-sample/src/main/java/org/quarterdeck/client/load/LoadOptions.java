package org.quarterdeck.client.load;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * What one {@code load} run does: which servers, how many players in how many sessions, which
 * workload and at which open-loop rates.
 */
record LoadOptions(
    URI server,
    URI echo,
    boolean json,
    Workload workload,
    int players,
    int sessions,
    int botTeams,
    List<Integer> rates,
    Duration stepDuration,
    Duration warmup,
    int deadlineSeconds,
    int deadlineTurns,
    Duration hold,
    Duration heartbeat,
    int sourceAddresses,
    int threads,
    int connectConcurrency,
    long serverPid,
    double sustainP99Ms,
    int ceilingSteps,
    Duration timeout) {

  /** What the players do once seated. */
  enum Workload {
    /** Revise decisions at open-loop rates; one silent seat per session keeps the turn open. */
    DECISIONS,
    /** Every session's first turn ends by its deadline; measures deadline to TurnResolved. */
    DEADLINE,
    /** Stay connected with heartbeats, then measure the server's heap per connection. */
    HOLD,
    /** Play whole games: each player submits once per turn as soon as the turn opens. */
    PLAY
  }

  /** Checks what no single option can: the options' relations to each other. */
  LoadOptions {
    if (server == null && echo == null) {
      throw new IllegalArgumentException("--server (or --echo) is required");
    }
    if (players % sessions != 0 || players / sessions < 1) {
      throw new IllegalArgumentException("--players must be a multiple of --sessions");
    }
    if (workload == Workload.DECISIONS && players / sessions < 2 && server != null) {
      throw new IllegalArgumentException(
          "decisions needs at least 2 players per session (one stays silent)");
    }
    if (players / sessions + botTeams > 60) {
      throw new IllegalArgumentException("a session has at most 60 teams");
    }
    rates = List.copyOf(rates);
    if (server != null) {
      Wire.of(server, json); // throws for an address or combination the generator cannot speak
    }
  }

  /** How the players reach the server. */
  Wire wire() {
    return Wire.of(server, json);
  }

  int playersPerSession() {
    return players / sessions;
  }
}

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
    int rounds,
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
      throw new Conflict("usage.serverRequired");
    }
    if (players % sessions != 0 || players / sessions < 1) {
      throw new Conflict("usage.playersPerSession");
    }
    if (workload == Workload.DECISIONS && players / sessions < 2 && server != null) {
      throw new Conflict("usage.decisionsTwoPlayers");
    }
    if (players / sessions + botTeams > 60) {
      throw new Conflict("usage.sixtyTeams", players / sessions + botTeams);
    }
    rates = List.copyOf(rates);
    if (server != null) {
      Wire.of(server, json); // throws for an address or combination the generator cannot speak
    }
  }

  /**
   * Options that do not go together: the sentence is {@code key} in the bundle with {@code values};
   * the message (for tests and logs) is the English one.
   */
  static final class Conflict extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    final String key;
    final transient Object[] values;

    Conflict(String key, Object... values) {
      super(Texts.in(java.util.Locale.ROOT).say(key, values));
      this.key = key;
      this.values = values.clone();
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

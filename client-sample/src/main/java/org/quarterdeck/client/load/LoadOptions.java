package org.quarterdeck.client.load;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one {@code load} run does: which servers, how many players in how many sessions, which
 * workload and at which open-loop rates.
 */
record LoadOptions(
    URI server,
    URI echo,
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

  static final String USAGE = """
      load --server ws://127.0.0.1:8080/ws [--echo ws://127.0.0.1:9090/ws]
           [--workload decisions|deadline|hold|play] [--players 400] [--sessions 100]
           [--bot-teams 0] [--rates 1000,5000,10000] [--step-seconds 20] [--warmup-seconds 5]
           [--deadline-seconds 20] [--deadline-turns 3] [--hold-seconds 60] [--heartbeat-seconds 15]
           [--source-addresses 4] [--threads N] [--connect-concurrency 200]
           [--server-pid PID] [--sustain-p99-ms 100] [--ceiling-steps 6] [--timeout-seconds 30]
        decisions: every seat but one per session revises its decision (version 2, 3, ...) at
          the target rate, spread round-robin over the seats; the silent seat keeps the turn
          open. Latency runs from each decision's scheduled send time to its DecisionAccepted.
          With --echo the same schedule is replayed against a bare WebSocket echo server and
          the report gives the ratio of sustained rates. While every step is sustained, up to
          --ceiling-steps more steps follow, each at 1.5 times the last, to find the ceiling.
        deadline: the sessions start, then every facilitator sets turn 1 to end at one clock
          time, --deadline-seconds (at least 2) later; then the same for the next turns, up to
          --deadline-turns (the first turns run code the JIT has not compiled yet; later ones
          show a warm server). The report gives, per turn, the time from that deadline to each
          TurnResolved received.
        hold: players stay connected --hold-seconds, sending a Ping every --heartbeat-seconds;
          with --server-pid the server's heap (after a full GC) and RSS per connection.
        play: whole games, each player submitting as soon as its turn opens.
        --source-addresses K spreads connections over 127.0.0.1..127.0.0.K (loopback only), so
          that more than ~60k connections fit.""";

  static LoadOptions parse(String[] args) {
    URI server = null;
    URI echo = null;
    Workload workload = Workload.DECISIONS;
    int players = 400;
    int sessions = 100;
    int botTeams = 0;
    List<Integer> rates = List.of(1000, 5000, 10_000);
    Duration step = Duration.ofSeconds(20);
    Duration warmup = Duration.ofSeconds(5);
    int deadlineSeconds = 20;
    int deadlineTurns = 3;
    Duration hold = Duration.ofSeconds(60);
    Duration heartbeat = Duration.ofSeconds(15);
    int sourceAddresses = 4;
    int threads = Runtime.getRuntime().availableProcessors();
    int connectConcurrency = 200;
    long serverPid = 0;
    double sustainP99 = 100;
    int ceilingSteps = 6;
    Duration timeout = Duration.ofSeconds(30);
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (!flag.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --flag value, got '" + flag + "'");
      }
      String v = args[++i];
      switch (flag) {
        case "--server" -> server = URI.create(v);
        case "--echo" -> echo = URI.create(v);
        case "--workload" -> workload = Workload.valueOf(v.toUpperCase(Locale.ROOT));
        case "--players" -> players = positive(flag, v);
        case "--sessions" -> sessions = positive(flag, v);
        case "--bot-teams" -> botTeams = Integer.parseInt(v);
        case "--rates" -> {
          List<Integer> list = new ArrayList<>();
          for (String r : v.split(",")) {
            list.add(positive(flag, r.trim()));
          }
          rates = List.copyOf(list);
        }
        case "--step-seconds" -> step = Duration.ofSeconds(positive(flag, v));
        case "--warmup-seconds" -> warmup = Duration.ofSeconds(Integer.parseInt(v));
        case "--deadline-seconds" -> deadlineSeconds = positive(flag, v);
        case "--deadline-turns" -> deadlineTurns = positive(flag, v);
        case "--hold-seconds" -> hold = Duration.ofSeconds(Integer.parseInt(v));
        case "--heartbeat-seconds" -> heartbeat = Duration.ofSeconds(positive(flag, v));
        case "--source-addresses" -> sourceAddresses = positive(flag, v);
        case "--threads" -> threads = positive(flag, v);
        case "--connect-concurrency" -> connectConcurrency = positive(flag, v);
        case "--server-pid" -> serverPid = Long.parseLong(v);
        case "--sustain-p99-ms" -> sustainP99 = Double.parseDouble(v);
        case "--ceiling-steps" -> ceilingSteps = Integer.parseInt(v);
        case "--timeout-seconds" -> timeout = Duration.ofSeconds(positive(flag, v));
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
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
    return new LoadOptions(server, echo, workload, players, sessions, botTeams, rates, step,
        warmup, deadlineSeconds, deadlineTurns, hold, heartbeat, sourceAddresses, threads, connectConcurrency,
        serverPid, sustainP99, ceilingSteps, timeout);
  }

  int playersPerSession() {
    return players / sessions;
  }

  private static int positive(String flag, String v) {
    int n = Integer.parseInt(v);
    if (n <= 0) {
      throw new IllegalArgumentException(flag + " must be positive, was " + v);
    }
    return n;
  }
}

package org.quarterdeck.client.load;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoopGroup;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code load}: the load generator. Opens players in sessions on a Quarterdeck server, drives one
 * workload (open-loop decisions, simultaneous deadlines, an idle hold, whole games) and prints
 * latency percentiles, throughput, errors and, for a local server, its memory per connection.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false)
public final class LoadCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  private final PrintStream out;
  private final PrintStream err;

  @Option(names = "--server", paramLabel = "URL")
  private URI server;

  @Option(names = "--json")
  private boolean json;

  @Option(names = "--echo", paramLabel = "URL")
  private URI echo;

  @Option(names = "--workload", defaultValue = "decisions", paramLabel = "KIND")
  private String workload;

  @Option(names = "--players", defaultValue = "400", paramLabel = "N")
  private int players;

  @Option(names = "--sessions", defaultValue = "100", paramLabel = "N")
  private int sessions;

  @Option(names = "--bot-teams", defaultValue = "0", paramLabel = "N")
  private int botTeams;

  @Option(names = "--rates", defaultValue = "1000,5000,10000", split = ",", paramLabel = "R")
  private List<Integer> rates;

  @Option(names = "--step-seconds", defaultValue = "20", paramLabel = "N")
  private int stepSeconds;

  @Option(names = "--warmup-seconds", defaultValue = "5", paramLabel = "N")
  private int warmupSeconds;

  @Option(names = "--deadline-seconds", defaultValue = "20", paramLabel = "N")
  private int deadlineSeconds;

  @Option(names = "--deadline-turns", defaultValue = "3", paramLabel = "N")
  private int deadlineTurns;

  @Option(names = "--hold-seconds", defaultValue = "60", paramLabel = "N")
  private int holdSeconds;

  @Option(names = "--heartbeat-seconds", defaultValue = "15", paramLabel = "N")
  private int heartbeatSeconds;

  @Option(names = "--source-addresses", defaultValue = "4", paramLabel = "K")
  private int sourceAddresses;

  @Option(names = "--threads", paramLabel = "N")
  private int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--connect-concurrency", defaultValue = "200", paramLabel = "N")
  private int connectConcurrency;

  @Option(names = "--server-pid", defaultValue = "0", paramLabel = "PID")
  private long serverPid;

  @Option(names = "--sustain-p99-ms", defaultValue = "100", paramLabel = "MS")
  private double sustainP99Ms;

  @Option(names = "--ceiling-steps", defaultValue = "6", paramLabel = "N")
  private int ceilingSteps;

  @Option(names = "--timeout-seconds", defaultValue = "30", paramLabel = "N")
  private int timeoutSeconds;

  public LoadCommand(PrintStream out, PrintStream err) {
    this.out = requireNonNull(out, "out");
    this.err = requireNonNull(err, "err");
  }

  public static void main(String[] args) {
    // Netty logs at DEBUG under logback's default configuration; a load run wants a quiet console.
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.INFO);
    System.exit(new CommandLine(new LoadCommand(System.out, System.err)).execute(args));
  }

  private int positive(String option, int value) {
    if (value <= 0) {
      throw new ParameterException(spec.commandLine(), option + " must be positive, was " + value);
    }
    return value;
  }

  LoadOptions options() {
    LoadOptions.Workload kind;
    try {
      kind = LoadOptions.Workload.valueOf(workload.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--workload must be decisions, deadline, hold or play, was '" + workload + "'");
    }
    rates.forEach(r -> positive("--rates", r));
    try {
      return new LoadOptions(
          server,
          echo,
          json,
          kind,
          positive("--players", players),
          positive("--sessions", sessions),
          botTeams,
          rates,
          Duration.ofSeconds(positive("--step-seconds", stepSeconds)),
          Duration.ofSeconds(warmupSeconds),
          positive("--deadline-seconds", deadlineSeconds),
          positive("--deadline-turns", deadlineTurns),
          Duration.ofSeconds(holdSeconds),
          Duration.ofSeconds(positive("--heartbeat-seconds", heartbeatSeconds)),
          positive("--source-addresses", sourceAddresses),
          positive("--threads", threads),
          positive("--connect-concurrency", connectConcurrency),
          serverPid,
          sustainP99Ms,
          ceilingSteps,
          Duration.ofSeconds(positive("--timeout-seconds", timeoutSeconds)));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Runs the generator; returns 0 when the run had no errors, 1 when it had, 2 on bad usage. */
  @Override
  public Integer call() {
    LoadOptions options = options();
    EventLoopGroup group = NativeIo.group(options.threads());
    try {
      out.printf(
          "quarterdeck load %s, %s, %d players in %d sessions, %d cores, %s I/O, %s%n",
          options.workload().name().toLowerCase(java.util.Locale.ROOT),
          options.server() == null
              ? "echo only"
              : options.server() + " (" + options.wire().label() + ")",
          options.players(),
          options.sessions(),
          Runtime.getRuntime().availableProcessors(),
          NativeIo.name(),
          ZonedDateTime.now());
      boolean clean =
          switch (options.workload()) {
            case DECISIONS -> decisions(options, group, out);
            case DEADLINE -> deadline(options, group, out);
            case HOLD -> hold(options, group, out);
            case PLAY -> play(options, group, out);
          };
      out.flush();
      return clean ? 0 : 1;
    } catch (Exception e) {
      err.println("load failed: " + e);
      e.printStackTrace(err);
      return 1;
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }

  private static Connector connector(LoadOptions o, EventLoopGroup group) {
    return new Connector(o.server(), o.wire(), group, o.sourceAddresses(), o.timeout().toMillis());
  }

  private static Connector echoConnector(LoadOptions o, EventLoopGroup group) {
    return new Connector(
        o.echo(), Wire.WEBSOCKET_BINARY, group, o.sourceAddresses(), o.timeout().toMillis());
  }

  private static boolean decisions(LoadOptions o, EventLoopGroup group, PrintStream out)
      throws Exception {
    DecisionsRun run;
    int serverCeiling = 0;
    int submitting = o.players() - o.sessions();
    boolean clean = true;
    if (o.server() != null) {
      Stats stats = new Stats();
      ServerProbe probe = new ServerProbe(o.serverPid());
      ServerProbe.Memory before = probe.measure();
      try (Fleet fleet = Fleet.createSessions(o, connector(o, group), stats)) {
        fleet.joinPlayers(true);
        CountDownLatch opened = new CountDownLatch(fleet.players.size());
        for (LoadConnection p : fleet.players) {
          p.observe(
              new LoadConnection.Observer() {
                @Override
                public void turnOpened(LoadConnection c, org.quarterdeck.protocol.v1.TurnOpened t) {
                  opened.countDown();
                }
              });
        }
        fleet.startAll();
        if (!opened.await(o.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException(opened.getCount() + " players saw no turn open");
        }
        List<LoadConnection> targets =
            fleet.players.stream().filter(p -> p.role == Role.PLAYER).toList();
        out.printf(
            "server: %d connections (%d submitting, %d silent, %d facilitators), "
                + "%.0f decisions/s per connection at the top listed rate%n",
            fleet.connections(),
            targets.size(),
            fleet.players.size() - targets.size(),
            fleet.facilitators.size(),
            (double) o.rates().get(o.rates().size() - 1) / targets.size());
        run = new DecisionsRun(o, stats, out);
        List<DecisionsRun.Step> steps = run.ladder("server", targets, true);
        serverCeiling = DecisionsRun.highestSustained(steps);
        clean = steps.stream().allMatch(s -> s.errors().isEmpty());
        out.printf(
            "server: highest sustained rate %d decisions/s (p99 <= %.0f ms, no errors, "
                + ">= 95%% of target answered)%n",
            serverCeiling, o.sustainP99Ms());
        if (probe.enabled()) {
          ServerProbe.Memory after = probe.measure();
          out.printf(
              "server: after the ladder: %s; (after - before) per connection %.1f KiB"
                  + " heap, %.1f KiB RSS (the sessions keep every revision in memory)%n",
              after.describe(),
              (after.heapUsedBytes() - before.heapUsedBytes()) / 1024.0 / fleet.connections(),
              (after.rssBytes() - before.rssBytes()) / 1024.0 / fleet.connections());
        }
      }
    }
    if (o.echo() != null && o.server() != null && o.wire() != Wire.WEBSOCKET_BINARY) {
      // The echo server returns binary frames byte for byte, where a SubmitDecision reads as a
      // DecisionAccepted; a JSON or TCP echo would need its own parser, so no ratio for those.
      out.printf("echo: skipped (the echo ceiling is measured for WebSocket binary frames only)%n");
    } else if (o.echo() != null) {
      Stats stats = new Stats();
      Connector connector = echoConnector(o, group);
      List<LoadConnection> echoes = new ArrayList<>();
      try {
        for (int i = 0; i < submitting; i++) {
          LoadConnection c = new LoadConnection(i, 0, Role.ECHO, stats);
          echoes.add(c);
          connector.connect(c).get(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        out.printf("echo: %d connections%n", echoes.size());
        run = new DecisionsRun(o, stats, out);
        int echoCeiling = DecisionsRun.highestSustained(run.ladder("echo", echoes, true));
        out.printf("echo: highest sustained rate %d frames/s%n", echoCeiling);
        if (o.server() != null && echoCeiling > 0) {
          out.printf(
              "ratio: server %d / echo %d = %.2f (goal >= 0.3)%n",
              serverCeiling, echoCeiling, (double) serverCeiling / echoCeiling);
        }
      } finally {
        echoes.forEach(LoadConnection::close);
      }
    }
    return clean;
  }

  private static boolean deadline(LoadOptions o, EventLoopGroup group, PrintStream out)
      throws Exception {
    Stats stats = new Stats();
    try (Fleet fleet = Fleet.createSessions(o, connector(o, group), stats)) {
      fleet.joinPlayers(true);
      out.printf(
          "deadline: %d connections in %d sessions seated%n", fleet.connections(), o.sessions());
      DeadlineRun.start(fleet, out);
      boolean clean = true;
      for (int turn = 1; turn <= o.deadlineTurns(); turn++) {
        DeadlineRun.Result r = DeadlineRun.endTurn(fleet, o, out, turn);
        out.printf(
            "deadline: turn %d: %d of %d seats received TurnResolved%n",
            turn, r.resolved(), r.seats());
        out.printf(
            "deadline: turn %d: deadlines spread over %d ms (earliest to latest)%n",
            turn, r.latestDeadline() - r.earliestDeadline());
        out.printf(
            "deadline: turn %d: latest deadline to last TurnResolved received: %d ms"
                + " (goal <= 250)%n",
            turn, r.lastAfterLatestDeadlineMs());
        out.printf(
            "deadline: turn %d: per seat, own deadline to TurnResolved: %s%n",
            turn, Percentiles.of(r.lateness()));
        clean &= r.resolved() == r.seats();
      }
      out.printf("deadline: errors %s%n", stats.errors());
      return clean && stats.errorCount() == 0;
    }
  }

  private static boolean hold(LoadOptions o, EventLoopGroup group, PrintStream out)
      throws Exception {
    Stats stats = new Stats();
    ServerProbe probe = new ServerProbe(o.serverPid());
    ServerProbe.Memory before = probe.measure();
    if (probe.enabled()) {
      out.printf("hold: server before: %s%n", before.describe());
    }
    long t0 = System.nanoTime();
    try (Fleet fleet = Fleet.createSessions(o, connector(o, group), stats)) {
      ServerProbe.Memory sessions = probe.measure();
      fleet.joinPlayers(false);
      fleet.startAll();
      out.printf(
          "hold: %d connections (%d players, %d facilitators) open in %.1f s%n",
          fleet.connections(),
          fleet.players.size(),
          fleet.facilitators.size(),
          (System.nanoTime() - t0) / 1e9);
      ServerProbe.Memory seated = probe.measure();
      List<LoadConnection> all = new ArrayList<>(fleet.players);
      all.addAll(fleet.facilitators);
      HoldRun.hold(all, o.hold(), o.heartbeat());
      DecisionsRun.sleep(Duration.ofSeconds(2));
      ServerProbe.Memory after = probe.measure();
      long open = all.stream().filter(c -> c.channel() != null && c.channel().isActive()).count();
      out.printf(
          "hold: held %d s with a Ping every %d s per connection: %d still open, "
              + "%d pings sent, %d pongs, errors %s%n",
          o.hold().toSeconds(),
          o.heartbeat().toSeconds(),
          open,
          stats.pingsSent.sum(),
          stats.pongs.sum(),
          stats.errors());
      if (probe.enabled()) {
        out.printf(
            "hold: server with %d sessions (facilitators only): %s%n",
            o.sessions(), sessions.describe());
        out.printf("hold: server with every player seated: %s%n", seated.describe());
        out.printf("hold: server at the end of the hold: %s%n", after.describe());
        out.printf(
            "hold: heap per player connection (seated - sessions only) / players: "
                + "%.1f KiB (goal <= 8)%n",
            (seated.heapUsedBytes() - sessions.heapUsedBytes()) / 1024.0 / o.players());
        out.printf(
            "hold: heap per connection, everything included (end - before) / "
                + "connections: %.1f KiB%n",
            (after.heapUsedBytes() - before.heapUsedBytes()) / 1024.0 / fleet.connections());
        out.printf(
            "hold: RSS per connection (end - before) / connections: %.1f KiB%n",
            (after.rssBytes() - before.rssBytes()) / 1024.0 / fleet.connections());
      }
      return stats.errorCount() == 0
          && open == all.size()
          && stats.pongs.sum() == stats.pingsSent.sum();
    }
  }

  private static boolean play(LoadOptions o, EventLoopGroup group, PrintStream out)
      throws Exception {
    Stats stats = new Stats();
    try (Fleet fleet = Fleet.createSessions(o, connector(o, group), stats)) {
      fleet.joinPlayers(false);
      CountDownLatch ended = new CountDownLatch(fleet.players.size());
      java.util.concurrent.atomic.LongAdder turns = new java.util.concurrent.atomic.LongAdder();
      for (LoadConnection p : fleet.players) {
        p.autoSubmit = true;
        p.observe(
            new LoadConnection.Observer() {
              @Override
              public void turnResolved(LoadConnection c, int turn, long receivedEpochMs) {
                turns.increment();
              }

              @Override
              public void sessionEnded(LoadConnection c) {
                ended.countDown();
              }
            });
      }
      long t0 = System.nanoTime();
      fleet.startAll();
      boolean all = ended.await(o.timeout().toMillis() * 10, TimeUnit.MILLISECONDS);
      double seconds = (System.nanoTime() - t0) / 1e9;
      Histogram h = stats.takeInterval();
      out.printf(
          "play: %d sessions, %d players: %s in %.1f s, %d turn results received%n",
          o.sessions(),
          o.players(),
          all ? "every game ended" : "NOT every game ended",
          seconds,
          turns.sum());
      out.printf(
          "play: decisions %d, %.0f/s; latency from TurnOpened to DecisionAccepted "
              + "(closed loop): %s; errors %s%n",
          stats.accepted.sum(), stats.accepted.sum() / seconds, Percentiles.of(h), stats.errors());
      return all && stats.errorCount() == 0;
    }
  }
}

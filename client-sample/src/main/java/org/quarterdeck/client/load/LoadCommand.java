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

  @Option(names = "--ceiling-steps", defaultValue = "10", paramLabel = "N")
  private int ceilingSteps;

  @Option(names = "--rounds", defaultValue = "1", paramLabel = "N")
  private int rounds;

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
      throw new ParameterException(
          spec.commandLine(), Texts.of(spec).say("usage.positive", option, value));
    }
    return value;
  }

  LoadOptions options() {
    LoadOptions.Workload kind;
    try {
      kind = LoadOptions.Workload.valueOf(workload.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), Texts.of(spec).say("usage.workload", workload));
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
          positive("--rounds", rounds),
          Duration.ofSeconds(positive("--timeout-seconds", timeoutSeconds)));
    } catch (LoadOptions.Conflict e) {
      throw new ParameterException(spec.commandLine(), Texts.of(spec).say(e.key, e.values));
    }
  }

  /** Runs the generator; returns 0 when the run had no errors, 1 when it had, 2 on bad usage. */
  @Override
  public Integer call() {
    LoadOptions options = options();
    Texts t = Texts.of(spec);
    EventLoopGroup group = NativeIo.group(options.threads());
    try {
      out.print(
          t.say(
              "load.header",
              options.workload().name().toLowerCase(java.util.Locale.ROOT),
              options.server() == null
                  ? t.say("load.echoOnly")
                  : options.server() + " (" + options.wire().label() + ")",
              options.players(),
              options.sessions(),
              Runtime.getRuntime().availableProcessors(),
              NativeIo.name(),
              ZonedDateTime.now()));
      boolean clean =
          switch (options.workload()) {
            case DECISIONS -> decisions(options, group, out, t);
            case DEADLINE -> deadline(options, group, out, t);
            case HOLD -> hold(options, group, out, t);
            case PLAY -> play(options, group, out, t);
          };
      out.flush();
      return clean ? 0 : 1;
    } catch (Exception e) {
      LoadFailure ours = LoadFailure.among(e);
      // Our own reasons in the run's language; anything else is the system's or a library's words.
      err.print(t.say("load.failed", ours != null ? ours.in(t) : e));
      if (ours == null) {
        e.printStackTrace(err);
      }
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

  private static boolean decisions(LoadOptions o, EventLoopGroup group, PrintStream out, Texts t)
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
          throw new LoadFailure("failure.noTurn", opened.getCount());
        }
        List<LoadConnection> targets =
            fleet.players.stream().filter(p -> p.role == Role.PLAYER).toList();
        out.print(
            t.say(
                "decisions.server",
                fleet.connections(),
                targets.size(),
                fleet.players.size() - targets.size(),
                fleet.facilitators.size(),
                (double) o.rates().get(o.rates().size() - 1) / targets.size()));
        run = new DecisionsRun(o, stats, out, t, probe);
        List<DecisionsRun.Step> steps = run.ladder("server", targets, true);
        serverCeiling = DecisionsRun.highestSustained(steps);
        clean = steps.stream().allMatch(s -> s.errors().isEmpty());
        out.print(t.say("decisions.serverCeiling", serverCeiling, o.sustainP99Ms()));
        if (probe.enabled()) {
          ServerProbe.Memory after = probe.measure();
          out.print(
              t.say(
                  "decisions.serverMemory",
                  after.describe(t),
                  (after.heapUsedBytes() - before.heapUsedBytes()) / 1024.0 / fleet.connections(),
                  (after.rssBytes() - before.rssBytes()) / 1024.0 / fleet.connections()));
        }
      }
    }
    if (o.echo() != null && o.server() != null && o.wire() != Wire.WEBSOCKET_BINARY) {
      // The echo server returns binary frames byte for byte, where a SubmitDecision reads as a
      // DecisionAccepted; a JSON or TCP echo would need its own parser, so no ratio for those.
      out.print(t.say("decisions.echoSkipped"));
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
        out.print(t.say("decisions.echo", echoes.size()));
        // the echo server's CPU is not measured (its pid is not known here): the generator's is
        run = new DecisionsRun(o, stats, out, t, new ServerProbe(0));
        int echoCeiling = DecisionsRun.highestSustained(run.ladder("echo", echoes, true));
        out.print(t.say("decisions.echoCeiling", echoCeiling));
        if (o.server() != null && echoCeiling > 0) {
          out.print(
              t.say(
                  "decisions.ratio",
                  serverCeiling,
                  echoCeiling,
                  (double) serverCeiling / echoCeiling));
        }
      } finally {
        echoes.forEach(LoadConnection::close);
      }
    }
    return clean;
  }

  private static boolean deadline(LoadOptions o, EventLoopGroup group, PrintStream out, Texts t)
      throws Exception {
    Stats stats = new Stats();
    try (Fleet fleet = Fleet.createSessions(o, connector(o, group), stats)) {
      fleet.joinPlayers(true);
      out.print(t.say("deadline.seated", fleet.connections(), o.sessions()));
      DeadlineRun.start(fleet, out, t);
      boolean clean = true;
      for (int turn = 1; turn <= o.deadlineTurns(); turn++) {
        DeadlineRun.Result r = DeadlineRun.endTurn(fleet, o, out, t, turn);
        out.print(t.say("deadline.resolved", turn, r.resolved(), r.seats()));
        out.print(t.say("deadline.spread", turn, r.latestDeadline() - r.earliestDeadline()));
        out.print(t.say("deadline.last", turn, r.lastAfterLatestDeadlineMs()));
        out.print(t.say("deadline.perSeat", turn, Percentiles.of(r.lateness(), t)));
        clean &= r.resolved() == r.seats();
      }
      out.print(t.say("deadline.errors", Stats.describe(stats.errors(), t)));
      return clean && stats.errorCount() == 0;
    }
  }

  private static boolean hold(LoadOptions o, EventLoopGroup group, PrintStream out, Texts t)
      throws Exception {
    Stats stats = new Stats();
    ServerProbe probe = new ServerProbe(o.serverPid());
    ServerProbe.Memory before = probe.measure();
    if (probe.enabled()) {
      out.print(t.say("hold.before", before.describe(t)));
    }
    long t0 = System.nanoTime();
    try (Fleet fleet = Fleet.createSessions(o, connector(o, group), stats)) {
      ServerProbe.Memory sessions = probe.measure();
      fleet.joinPlayers(false);
      fleet.startAll();
      out.print(
          t.say(
              "hold.open",
              fleet.connections(),
              fleet.players.size(),
              fleet.facilitators.size(),
              (System.nanoTime() - t0) / 1e9));
      ServerProbe.Memory seated = probe.measure();
      List<LoadConnection> all = new ArrayList<>(fleet.players);
      all.addAll(fleet.facilitators);
      HoldRun.hold(all, o.hold(), o.heartbeat());
      DecisionsRun.sleep(Duration.ofSeconds(2));
      ServerProbe.Memory after = probe.measure();
      long open = all.stream().filter(c -> c.channel() != null && c.channel().isActive()).count();
      out.print(
          t.say(
              "hold.held",
              o.hold().toSeconds(),
              o.heartbeat().toSeconds(),
              open,
              stats.pingsSent.sum(),
              stats.pongs.sum(),
              Stats.describe(stats.errors(), t)));
      if (probe.enabled()) {
        out.print(t.say("hold.sessions", o.sessions(), sessions.describe(t)));
        out.print(t.say("hold.seated", seated.describe(t)));
        out.print(t.say("hold.end", after.describe(t)));
        out.print(
            t.say(
                "hold.heapPerPlayer",
                (seated.heapUsedBytes() - sessions.heapUsedBytes()) / 1024.0 / o.players()));
        out.print(
            t.say(
                "hold.heapPerConnection",
                (after.heapUsedBytes() - before.heapUsedBytes()) / 1024.0 / fleet.connections()));
        out.print(
            t.say(
                "hold.rssPerConnection",
                (after.rssBytes() - before.rssBytes()) / 1024.0 / fleet.connections()));
      }
      return stats.errorCount() == 0
          && open == all.size()
          && stats.pongs.sum() == stats.pingsSent.sum();
    }
  }

  /**
   * Plays --rounds rounds of whole games, each in new sessions: the first meets this generator's
   * and perhaps the server's code before the JIT compiled it, the later ones the compiled code.
   */
  private static boolean play(LoadOptions o, EventLoopGroup group, PrintStream out, Texts t)
      throws Exception {
    boolean clean = true;
    for (int round = 1; round <= o.rounds(); round++) {
      if (o.rounds() > 1) {
        out.print(t.say("play.round", round, o.rounds()));
      }
      clean &= playRound(o, group, out, t);
    }
    return clean;
  }

  private static boolean playRound(LoadOptions o, EventLoopGroup group, PrintStream out, Texts t)
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
      out.print(
          t.say(
              "play.games",
              o.sessions(),
              o.players(),
              all ? t.say("play.allEnded") : t.say("play.notAllEnded"),
              seconds,
              turns.sum()));
      out.print(
          t.say(
              "play.decisions",
              stats.accepted.sum(),
              stats.accepted.sum() / seconds,
              Percentiles.of(h, t),
              Stats.describe(stats.errors(), t)));
      return all && stats.errorCount() == 0;
    }
  }
}

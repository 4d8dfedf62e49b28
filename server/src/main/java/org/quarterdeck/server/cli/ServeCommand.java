package org.quarterdeck.server.cli;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.net.IoTransport;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.PortTaken;
import org.quarterdeck.server.net.ServerAddresses;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.session.SessionManager;
import org.quarterdeck.server.store.FsyncMode;
import org.quarterdeck.server.store.StoreOptions;

/** {@code serve}: runs the server until SIGTERM or SIGINT. */
public final class ServeCommand {
  static final Set<String> FLAGS = Set.of("http-port", "tcp-port", "bind", "data", "admin-token",
      "max-frame-bytes", "idle-timeout-seconds", "handshake-timeout-seconds", "fsync",
      "transport", "io-threads", "fsync-batch-ms");
  static final Set<String> SWITCHES = Set.of("demo");

  public static final String USAGE = """
      serve [--http-port 8080] [--tcp-port 7777] [--bind 127.0.0.1] [--data ./quarterdeck-data]
            [--fsync always|batch|off] [--fsync-batch-ms 0] [--admin-token TOKEN] [--demo]
            [--max-frame-bytes 65536] [--idle-timeout-seconds 60] [--handshake-timeout-seconds 10]
            [--transport auto|epoll|nio] [--io-threads N]
        --fsync: always = fsync each record before acknowledging it; batch (default) = one fsync
        per file for the records that arrived while the previous one ran, still before
        acknowledging; off = never fsync (an OS crash or power loss can lose acknowledged work;
        a process crash cannot). --fsync-batch-ms N (0..1000) holds each batch open N ms more:
        fewer fsyncs, more latency.
        --transport: auto (default) = Linux's native epoll when it loads, else Java NIO.
        --io-threads: event loops for connections and sessions (default: one per core).
        Every flag can also be set by an environment variable: QUARTERDECK_HTTP_PORT,
        QUARTERDECK_TCP_PORT, QUARTERDECK_BIND, ... (the flag wins). Port 0 picks a free port.
        --demo opens a session of the default scenario with bots in most seats and prints how
        to join it; it also lets anyone create sessions even when --admin-token is set.""";

  /**
   * The demo session: six teams played by bots that make good debrief baselines until people take
   * their seats. It starts at once and has no deadline: a turn resolves when every person seated
   * has submitted (or the facilitator forces it), so a newcomer can join and play at their pace.
   */
  static final SessionSettings DEMO = SessionSettings.newBuilder()
      .setTitle("Quarterdeck demo")
      .setTeams(6)
      .setTurnDeadlineSeconds(0)
      .addBotStrategies("adaptive").addBotStrategies("adaptive")
      .addBotStrategies("numbers").addBotStrategies("leader")
      .addBotStrategies("balanced").addBotStrategies("adaptive")
      .build();

  private ServeCommand() {}

  /** Parsed {@code serve} settings. */
  public record Options(InetSocketAddress http, InetSocketAddress tcp, Path data,
      FsyncMode fsync, int fsyncBatchMillis, NetLimits limits, String adminToken, boolean demo,
      Application.EventLoops loops) {

    public static Options parse(String[] args, Map<String, String> environment) {
      Flags flags = Flags.parse(args, FLAGS, SWITCHES, environment);
      String bind = flags.get("bind", "127.0.0.1");
      NetLimits limits = NetLimits.defaults()
          .withMaxFrameBytes(flags.getInt("max-frame-bytes", 64 * 1024, 1024, 16 * 1024 * 1024))
          .withTimeouts(
              Duration.ofSeconds(flags.getInt("handshake-timeout-seconds", 10, 1, 3600)),
              Duration.ofSeconds(flags.getInt("idle-timeout-seconds", 60, 1, 86_400)));
      return new Options(
          new InetSocketAddress(bind, flags.getInt("http-port", 8080, 0, 65535)),
          new InetSocketAddress(bind, flags.getInt("tcp-port", 7777, 0, 65535)),
          Path.of(flags.get("data", "./quarterdeck-data")),
          parseFsync(flags.get("fsync", "batch")),
          flags.getInt("fsync-batch-ms", 0, 0, 1000),
          limits,
          flags.get("admin-token").orElse(null),
          flags.isSet("demo"),
          new Application.EventLoops(parseTransport(flags.get("transport", "auto")),
              flags.getInt("io-threads", 0, 0, 256)));
    }
  }

  static IoTransport parseTransport(String value) {
    try {
      return IoTransport.parse(value);
    } catch (IllegalArgumentException e) {
      throw new Flags.UsageException("--transport: " + e.getMessage());
    }
  }

  static FsyncMode parseFsync(String value) {
    try {
      return FsyncMode.parse(value);
    } catch (IllegalArgumentException e) {
      throw new Flags.UsageException("--fsync must be always, batch or off, was '" + value + "'");
    }
  }

  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options options = Options.parse(args, System.getenv());
    Application app;
    try {
      app = Application.start(options.http(), options.tcp(), options.limits(),
          options.demo() ? null : options.adminToken(), Version.serverName(),
          new Application.Storage(options.data(),
              StoreOptions.DEFAULTS.withFsyncMode(options.fsync())
                  .withBatchWindow(Duration.ofMillis(options.fsyncBatchMillis()))),
          options.loops());
    } catch (PortTaken e) {
      String flag = e.port() == PortTaken.Port.HTTP ? "http-port" : "tcp-port";
      err.println("cannot start: the " + e.port() + " port " + e.portNumber()
          + " is already in use (or not allowed); choose another with --" + flag + " or "
          + Flags.envName(flag) + " (0 picks a free port). " + e.getMessage());
      return 1;
    } catch (RuntimeException | java.io.IOException e) {
      err.println("cannot start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close();
      stopped.countDown();
    }, "quarterdeck-shutdown"));
    ServerAddresses addresses = app.addresses();
    out.println("Quarterdeck " + Version.version() + " is up.");
    out.println("  HTTP       " + addresses.httpUrl() + "  (health: " + addresses.httpUrl()
        + "/healthz, metrics: " + addresses.httpUrl() + "/metrics)");
    out.println("  WebSocket  " + addresses.webSocketUrl());
    out.println("  TCP        " + addresses.tcpUrl());
    out.println("  Data       " + options.data().toAbsolutePath().normalize() + " (fsync "
        + options.fsync().flagValue() + ", " + app.sessions().sessionCount()
        + " sessions recovered)");
    if (options.demo()) {
      printDemo(out, app.sessions(), addresses);
    }
    out.flush();
    stopped.await();
    return 0;
  }

  private static void printDemo(PrintStream out, SessionManager sessions,
      ServerAddresses addresses) throws Exception {
    SessionManager.Created demo = sessions.create(CreateSession.newBuilder()
        .setBuiltinScenario(ScenarioCatalog.defaultName()).setSettings(DEMO).build())
        .get(10, TimeUnit.SECONDS);
    sessions.start(demo.sessionId()).get(10, TimeUnit.SECONDS);
    String client = "java -jar client-sample/target/quarterdeck-client.jar";
    out.println();
    out.println("Demo session " + demo.sessionId() + " (scenario "
        + ScenarioCatalog.defaultName() + ", 6 teams played by bots until people join; turn 1"
        + " is open, and each turn resolves when everyone seated has submitted)");
    out.println("  Join code          " + demo.joinCode());
    out.println("  Player page        " + addresses.httpUrl() + "/?code=" + demo.joinCode());
    out.println("  Facilitator page   " + addresses.httpUrl() + "/facilitator#token="
        + demo.facilitatorToken() + "&code=" + demo.joinCode());
    out.println("  Facilitator token  " + demo.facilitatorToken());
    out.println("  Play (one terminal per player):");
    out.println("    " + client + " play --server " + addresses.webSocketUrl() + " --join "
        + demo.joinCode() + " --name YOUR_NAME");
    out.println("  Facilitate (pause, inject, force, end, replay):");
    out.println("    " + client + " facilitate --server " + addresses.webSocketUrl()
        + " --token " + demo.facilitatorToken());
  }
}

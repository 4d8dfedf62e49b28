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
import org.quarterdeck.server.cluster.DatabaseUrl;
import org.quarterdeck.server.cluster.PostgresJournals;
import org.quarterdeck.server.facilitator.FacilitatorAccounts;
import org.quarterdeck.server.net.IoTransport;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.PortTaken;
import org.quarterdeck.server.net.Perimeter;
import org.quarterdeck.server.net.ServerAddresses;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.session.SessionLimits;
import org.quarterdeck.server.session.SessionManager;
import org.quarterdeck.server.store.FsyncMode;
import org.quarterdeck.server.store.StoreOptions;

/** {@code serve}: runs the server until SIGTERM or SIGINT. */
public final class ServeCommand {
  static final Set<String> FLAGS = union(Set.of("http-port", "tcp-port", "bind", "data",
      "admin-token", "max-frame-bytes", "idle-timeout-seconds", "handshake-timeout-seconds",
      "fsync", "transport", "io-threads", "fsync-batch-ms", "store", "database-url", "node-id",
      "admin-token-file", "max-open-logs", "creations-per-address-per-hour",
      "max-anonymous-sessions", "max-spectators", "archive-after-minutes"),
      PerimeterFlags.FLAGS);

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
  static final Set<String> SWITCHES = Set.of("demo");

  // ---- facilitator flags (kept apart: the facilitator side owns them) ----
  /** --facilitators FILE: accounts that may sign in; --public-url URL: what people open. */
  static final Set<String> FACILITATOR_FLAGS = Set.of("facilitators", "public-url");

  /** The facilitator side's serve settings. */
  public record FacilitatorOptions(Path accounts, String publicUrl) {
    static FacilitatorOptions parse(Flags flags) {
      return new FacilitatorOptions(flags.get("facilitators").map(Path::of).orElse(null),
          flags.get("public-url").map(PublicUrl::parse).orElse(null));
    }

    FacilitatorAccounts load() throws java.io.IOException {
      return accounts == null ? FacilitatorAccounts.none() : FacilitatorAccounts.load(accounts);
    }
  }

  static final String FACILITATOR_USAGE = """
        --facilitators FILE: facilitator accounts that may sign in on the facilitator page (create
        them with `facilitator-add`); a signed-in facilitator needs no admin token.
        --public-url URL: the address people open (join links, QR codes, room links), e.g.
        http://192.168.1.20:8080 or https://play.example.org; default: the bound address, or every
        network address of this machine when bound to 0.0.0.0.""";
  // ---- end of facilitator flags ----

  public static final String USAGE = """
      serve [--http-port 8080] [--tcp-port 7777] [--bind 127.0.0.1] [--data ./quarterdeck-data]
            [--fsync always|batch|off] [--fsync-batch-ms 0] [--admin-token TOKEN] [--demo]
            [--max-frame-bytes 65536] [--idle-timeout-seconds 60] [--handshake-timeout-seconds 10]
            [--transport auto|epoll|nio] [--io-threads N] [--admin-token-file PATH]
            [--max-open-logs 256] [--creations-per-address-per-hour 20]
            [--max-anonymous-sessions 1000] [--max-spectators 200] [--archive-after-minutes 60]
            [--store file|postgres://USER:PASSWORD@HOST:5432/DB] [--node-id ID]
        --store: file (default) = the event-log directory --data; a postgres:// URL (or
        --database-url URL, or QUARTERDECK_DATABASE_URL) = the cluster store: sessions live in
        that PostgreSQL database and this server is one node of a cluster (docs/cluster.md).
        --node-id names the node (default HOST:HTTP_PORT); a node restarted under its id takes
        its sessions back, and an older process with the same id is fenced.
            [--facilitators FILE] [--public-url URL]
        --fsync: always = fsync each record before acknowledging it; batch (default) = one fsync
        per file for the records that arrived while the previous one ran, still before
        acknowledging; off = never fsync (an OS crash or power loss can lose acknowledged work;
        a process crash cannot). --fsync-batch-ms N (0..1000) holds each batch open N ms more:
        fewer fsyncs, more latency.
        --transport: auto (default) = Linux's native epoll when it loads, else Java NIO.
        --io-threads: event loops for connections and sessions (default: one per core).
        --admin-token-file: read the admin token from a file (first line), so that ps does not
        show it; QUARTERDECK_ADMIN_TOKEN in the environment works too.
        --max-open-logs: session log files held open at most (least recently written closed).
        Without an admin token: --creations-per-address-per-hour and --max-anonymous-sessions
        (sessions not yet archived) bound who creates sessions. --max-spectators per session.
        --archive-after-minutes: an ended session's log is closed this long after it ended.
        Every flag can also be set by an environment variable: QUARTERDECK_HTTP_PORT,
        QUARTERDECK_TCP_PORT, QUARTERDECK_BIND, ... (the flag wins). Port 0 picks a free port.
        --demo opens a session of the default scenario with bots in most seats and prints how
        to join it; it also lets anyone create sessions even when --admin-token is set.
      """ + FACILITATOR_USAGE.indent(2) + PerimeterFlags.USAGE;

  /**
   * The demo session: six teams played by bots that make good debrief baselines until people take
   * their seats. It starts at once and has no deadline: a turn resolves when every person seated
   * has submitted (after a 10-second last call in which anyone may still revise, or when the
   * facilitator forces it), so a newcomer can join and play at their pace.
   */
  static final SessionSettings DEMO = SessionSettings.newBuilder()
      .setTitle("Quarterdeck demo")
      .setTeams(6)
      .setTurnDeadlineSeconds(0)
      .setLastCallSeconds(10)
      .addBotStrategies("adaptive").addBotStrategies("adaptive")
      .addBotStrategies("numbers").addBotStrategies("leader")
      .addBotStrategies("balanced").addBotStrategies("adaptive")
      .build();

  /** The exit code of a cluster node that found itself fenced (a supervisor restarts it). */
  public static final int FENCED_EXIT_CODE = 75;

  /** The status the shutdown hook ends the process with: 0 for a clean stop, else why not. */
  private static volatile int haltStatus = 0;

  private ServeCommand() {}

  /** Parsed {@code serve} settings. */
  public record Options(InetSocketAddress http, InetSocketAddress tcp, Path data,
      FsyncMode fsync, int fsyncBatchMillis, NetLimits limits, String adminToken, boolean demo,
      Application.EventLoops loops, FacilitatorOptions facilitators, DatabaseUrl database,
      String nodeId, Perimeter perimeter, int maxOpenLogs, SessionLimits sessionLimits) {

    public static Options parse(String[] args, Map<String, String> environment) {
      Set<String> known = new java.util.HashSet<>(FLAGS);
      known.addAll(FACILITATOR_FLAGS);
      Flags flags = Flags.parse(args, known, SWITCHES, environment);
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
          adminToken(flags),
          flags.isSet("demo"),
          new Application.EventLoops(parseTransport(flags.get("transport", "auto")),
              flags.getInt("io-threads", 0, 0, 256)),
          FacilitatorOptions.parse(flags),
          ServeCommand.database(flags),
          flags.get("node-id").orElseGet(() -> defaultNodeId(flags)),
          PerimeterFlags.parse(flags),
          flags.getInt("max-open-logs", StoreOptions.DEFAULTS.maxOpenLogs(), 1, 1_000_000),
          new SessionLimits(
              flags.getInt("creations-per-address-per-hour",
                  SessionLimits.DEFAULTS.creationsPerAddressPerHour(), 1, 1_000_000),
              flags.getInt("max-anonymous-sessions",
                  SessionLimits.DEFAULTS.maxAnonymousSessions(), 1, Application.MAX_SESSIONS),
              flags.getInt("max-spectators",
                  SessionLimits.DEFAULTS.maxSpectatorsPerSession(), 0, 100_000),
              Duration.ofMinutes(flags.getInt("archive-after-minutes",
                  (int) SessionLimits.DEFAULTS.archiveAfter().toMinutes(), 0, 525_600))));
    }

    /**
     * The admin token: {@code --admin-token} (or QUARTERDECK_ADMIN_TOKEN), or the first line of
     * {@code --admin-token-file}; not both. A file keeps the token out of {@code ps} and
     * {@code /proc/PID/cmdline}.
     */
    static String adminToken(Flags flags) {
      java.util.Optional<String> direct = flags.get("admin-token");
      java.util.Optional<String> file = flags.get("admin-token-file");
      if (direct.isPresent() && file.isPresent()) {
        throw new Flags.UsageException("give --admin-token or --admin-token-file, not both");
      }
      if (file.isEmpty()) {
        return direct.orElse(null);
      }
      String token;
      try {
        String text = java.nio.file.Files.readString(Path.of(file.get()));
        int newline = text.indexOf('\n');
        token = (newline >= 0 ? text.substring(0, newline) : text).strip();
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        throw new Flags.UsageException("--admin-token-file: cannot read " + file.get() + ": "
            + e.getMessage());
      }
      if (token.isEmpty()) {
        throw new Flags.UsageException("--admin-token-file: " + file.get()
            + " holds no token on its first line");
      }
      return token;
    }
  }

  /** The cluster's database, or null for the file store. */
  static DatabaseUrl database(Flags flags) {
    String store = flags.get("store", "file");
    java.util.Optional<String> url = flags.get("database-url");
    try {
      if (!store.equals("file")) {
        if (url.isPresent() && !url.get().equals(store)) {
          throw new Flags.UsageException("--store and --database-url name different databases;"
              + " give one");
        }
        return DatabaseUrl.parse(store);
      }
      return url.map(DatabaseUrl::parse).orElse(null);
    } catch (IllegalArgumentException e) {
      throw new Flags.UsageException("--store: file or a postgres:// URL: " + e.getMessage());
    }
  }

  private static String defaultNodeId(Flags flags) {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "node";
    }
    String id = (host + ":" + flags.get("http-port", "8080")).replaceAll("[^A-Za-z0-9._:-]", "-");
    return id.length() > 64 ? id.substring(0, 64) : id;
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
    FacilitatorAccounts accounts;
    try {
      accounts = options.facilitators().load();
    } catch (java.io.IOException | IllegalArgumentException e) {
      err.println("cannot start: --facilitators: " + e.getMessage());
      return 1;
    }
    PostgresJournals cluster = null;
    try {
      String adminToken = options.demo() ? null : options.adminToken();
      if (options.database() != null) {
        String address = "http://" + options.http().getHostString() + ":"
            + options.http().getPort();
        cluster = PostgresJournals.open(options.database(),
            new PostgresJournals.Node(options.nodeId(), address, address));
        PostgresJournals node = cluster;
        node.onLeaseLost(() -> {
          if (node.lease().fenced()) {
            // another node owns this node's sessions now: stop at once, so that no client
            // keeps talking to a copy that can never save anything again
            err.println("node " + options.nodeId() + " was fenced (epoch "
                + node.lease().epoch() + "); stopping");
            haltStatus = FENCED_EXIT_CODE;
            new Thread(() -> System.exit(FENCED_EXIT_CODE), "quarterdeck-fenced").start();
          }
        });
        // facilitators' archive flags stay in memory on a cluster node (not yet in the database)
        app = Application.start(options.http(), options.tcp(), options.limits(), adminToken,
            Version.serverName(), cluster,
            org.quarterdeck.server.facilitator.ArchivedSessions.inMemory(), options.loops(),
            accounts, options.perimeter(), options.sessionLimits());
      } else {
        app = Application.start(options.http(), options.tcp(), options.limits(), adminToken,
            Version.serverName(), new Application.Storage(options.data(),
                StoreOptions.DEFAULTS.withFsyncMode(options.fsync())
                    .withBatchWindow(Duration.ofMillis(options.fsyncBatchMillis()))
                    .withMaxOpenLogs(options.maxOpenLogs())),
            options.loops(), accounts, options.perimeter(), options.sessionLimits());
      }
    } catch (PortTaken e) {
      String flag = e.port() == PortTaken.Port.HTTP ? "http-port" : "tcp-port";
      err.println("cannot start: the " + e.port() + " port " + e.portNumber()
          + " is already in use (or not allowed); choose another with --" + flag + " or "
          + Flags.envName(flag) + " (0 picks a free port). " + e.getMessage());
      return 1;
    } catch (RuntimeException | java.io.IOException | java.sql.SQLException e) {
      err.println("cannot start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close();
      stopped.countDown();
      out.flush();
      err.flush();
      // SIGTERM and SIGINT make the JVM exit with 128 + the signal's number (143, 130) after the
      // hooks, which service managers read as a failure. The store is flushed and closed and the
      // clients were told, so this is a clean stop: say so with 0. Only this command's hook is
      // skipped by halt (logging here writes synchronously to stderr and keeps nothing back).
      Runtime.getRuntime().halt(haltStatus);
    }, "quarterdeck-shutdown"));
    ServerAddresses addresses = app.addresses();
    java.util.List<String> reachable = PublicUrl.candidates(options.facilitators().publicUrl(),
        addresses.http(), addresses.httpUrl());
    app.publicUrl(reachable.get(0));
    out.println("Quarterdeck " + Version.version() + " is up.");
    out.println("  HTTP       " + addresses.httpUrl() + "  (health: " + addresses.httpUrl()
        + "/healthz, metrics: " + addresses.httpUrl() + "/metrics)");
    out.println("  WebSocket  " + addresses.webSocketUrl());
    out.println("  TCP        " + addresses.tcpUrl());
    out.println("  Open       " + String.join("  ", reachable) + "  (join links and QR codes use "
        + reachable.get(0) + (options.facilitators().publicUrl() == null
            ? "; set another with --public-url" : "") + ")");
    if (accounts.size() > 0) {
      out.println("  Facilitators  " + accounts.size() + " accounts; sign in at "
          + reachable.get(0) + "/facilitator");
    }
    if (cluster != null) {
      out.println("  Store      PostgreSQL " + options.database() + " (node "
          + cluster.lease().nodeId() + ", epoch " + cluster.lease().epoch() + ", "
          + app.sessions().sessionCount() + " sessions recovered)");
    } else {
      out.println("  Data       " + options.data().toAbsolutePath().normalize() + " (fsync "
          + options.fsync().flagValue() + ", " + app.sessions().sessionCount()
          + " sessions recovered)");
    }
    if (options.demo()) {
      printDemo(out, app.sessions(), addresses, reachable.get(0));
    }
    out.flush();
    stopped.await();
    return 0;
  }

  private static void printDemo(PrintStream out, SessionManager sessions,
      ServerAddresses addresses, String publicUrl) throws Exception {
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
    out.println("  Player page        " + publicUrl + "/?code=" + demo.joinCode());
    out.println("  Facilitator page   " + publicUrl + "/facilitator#token="
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

package org.quarterdeck.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.ServerOptions;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.cluster.DatabaseUrl;
import org.quarterdeck.server.cluster.PostgresJournals;
import org.quarterdeck.server.facilitator.FacilitatorAccounts;
import org.quarterdeck.server.net.IoTransport;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.Perimeter;
import org.quarterdeck.server.net.PortTaken;
import org.quarterdeck.server.net.ServerAddresses;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.session.SessionLimits;
import org.quarterdeck.server.session.SessionManager;
import org.quarterdeck.server.store.FsyncMode;
import org.quarterdeck.server.store.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code serve}: runs the server until SIGTERM or SIGINT.
 *
 * <p>Adding a flag is one {@code @Option} member here: picocli parses it, prints it in {@code
 * --help}, and {@link EnvironmentDefaults} lets {@code QUARTERDECK_<NAME>} set it. A whole number
 * with bounds uses a setter that calls {@link Ranges#check}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false)
public final class ServeCommand implements Callable<Integer> {
  /**
   * The demo session: six teams played by bots that make good debrief baselines until people take
   * their seats. It starts at once and has no deadline: a turn resolves when every person seated
   * has submitted (or the facilitator forces it), so a newcomer can join and play at their pace.
   */
  static final SessionSettings DEMO =
      SessionSettings.newBuilder()
          .setTitle("Quarterdeck demo")
          .setTeams(6)
          .setTurnDeadlineSeconds(0)
          .addBotStrategies("adaptive")
          .addBotStrategies("adaptive")
          .addBotStrategies("numbers")
          .addBotStrategies("leader")
          .addBotStrategies("balanced")
          .addBotStrategies("adaptive")
          .build();

  /** The exit code of a cluster node that found itself fenced (a supervisor restarts it). */
  public static final int FENCED_EXIT_CODE = 75;

  /** The status the shutdown hook ends the process with: 0 for a clean stop, else why not. */
  private static volatile int haltStatus = 0;

  @Spec private CommandSpec spec;

  private int httpPort;
  private int tcpPort;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS")
  private String bind;

  @Option(names = "--data", defaultValue = "./quarterdeck-data", paramLabel = "DIR")
  private Path data;

  private FsyncMode fsync;
  private int fsyncBatchMillis;

  @Option(names = "--recovery-threads", defaultValue = "0", paramLabel = "N")
  private int recoveryThreads;

  @Option(names = "--admin-token", paramLabel = "TOKEN")
  private String adminToken;

  @Option(names = "--demo")
  private boolean demo;

  // ---- facilitator flags (the facilitator side owns them) ----
  @Option(names = "--facilitators", paramLabel = "FILE")
  private Path facilitators;

  @Option(names = "--public-url", paramLabel = "URL")
  void publicUrl(String value) {
    try {
      publicUrl = value == null ? null : PublicUrl.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), Texts.of(spec).say("usage.public-url", value));
    }
  }

  private String publicUrl;
  // ---- end of facilitator flags ----

  private int maxFrameBytes;
  private int idleTimeoutSeconds;
  private int handshakeTimeoutSeconds;
  private IoTransport transport;
  private int ioThreads;

  @Option(names = "--http-port", defaultValue = "8080", paramLabel = "PORT")
  void httpPort(int value) {
    httpPort = Ranges.check(spec, "--http-port", value, 0, 65535);
  }

  @Option(names = "--tcp-port", defaultValue = "7777", paramLabel = "PORT")
  void tcpPort(int value) {
    tcpPort = Ranges.check(spec, "--tcp-port", value, 0, 65535);
  }

  @Option(names = "--fsync", defaultValue = "batch", paramLabel = "always|batch|off")
  void fsync(String value) {
    try {
      fsync = FsyncMode.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), Texts.of(spec).say("usage.fsync", value));
    }
  }

  @Option(names = "--fsync-batch-ms", defaultValue = "0", paramLabel = "N")
  void fsyncBatchMillis(int value) {
    fsyncBatchMillis = Ranges.check(spec, "--fsync-batch-ms", value, 0, 1000);
  }

  @Option(names = "--max-frame-bytes", defaultValue = "65536", paramLabel = "N")
  void maxFrameBytes(int value) {
    maxFrameBytes = Ranges.check(spec, "--max-frame-bytes", value, 1024, 16 * 1024 * 1024);
  }

  @Option(names = "--idle-timeout-seconds", defaultValue = "60", paramLabel = "N")
  void idleTimeoutSeconds(int value) {
    idleTimeoutSeconds = Ranges.check(spec, "--idle-timeout-seconds", value, 1, 86_400);
  }

  @Option(names = "--handshake-timeout-seconds", defaultValue = "10", paramLabel = "N")
  void handshakeTimeoutSeconds(int value) {
    handshakeTimeoutSeconds = Ranges.check(spec, "--handshake-timeout-seconds", value, 1, 3600);
  }

  @Option(names = "--transport", defaultValue = "auto", paramLabel = "auto|epoll|nio")
  void transport(String value) {
    try {
      transport = IoTransport.parse(value);
    } catch (IllegalArgumentException e) {
      // auto and nio always work: epoll is the one a machine may lack (net/ says why, in English)
      throw new ParameterException(
          spec.commandLine(),
          value.strip().equalsIgnoreCase("epoll")
              ? Texts.of(spec).say("usage.transport-epoll", e.getMessage())
              : Texts.of(spec).say("usage.transport", value));
    }
  }

  @Option(names = "--io-threads", defaultValue = "0", paramLabel = "N")
  void ioThreads(int value) {
    ioThreads = Ranges.check(spec, "--io-threads", value, 0, 256);
  }

  // ---- lifecycle flags ----
  @Option(names = "--admin-token-file", paramLabel = "PATH")
  private Path adminTokenFile;

  private int maxOpenLogs;
  private int creationsPerAddressPerHour;
  private int maxAnonymousSessions;
  private int maxSpectators;
  private int archiveAfterMinutes;
  private int lobbyIdleMinutes;

  @Option(names = "--max-open-logs", defaultValue = "256", paramLabel = "N")
  void maxOpenLogs(int value) {
    maxOpenLogs = Ranges.check(spec, "--max-open-logs", value, 1, 1_000_000);
  }

  @Option(names = "--creations-per-address-per-hour", defaultValue = "20", paramLabel = "N")
  void creationsPerAddressPerHour(int value) {
    creationsPerAddressPerHour =
        Ranges.check(spec, "--creations-per-address-per-hour", value, 1, 1_000_000);
  }

  @Option(names = "--max-anonymous-sessions", defaultValue = "1000", paramLabel = "N")
  void maxAnonymousSessions(int value) {
    maxAnonymousSessions =
        Ranges.check(spec, "--max-anonymous-sessions", value, 1, Application.MAX_SESSIONS);
  }

  @Option(names = "--max-spectators", defaultValue = "200", paramLabel = "N")
  void maxSpectators(int value) {
    maxSpectators = Ranges.check(spec, "--max-spectators", value, 0, 100_000);
  }

  @Option(names = "--archive-after-minutes", defaultValue = "60", paramLabel = "N")
  void archiveAfterMinutes(int value) {
    archiveAfterMinutes = Ranges.check(spec, "--archive-after-minutes", value, 0, 525_600);
  }

  @Option(names = "--lobby-idle-minutes", defaultValue = "1440", paramLabel = "N")
  void lobbyIdleMinutes(int value) {
    lobbyIdleMinutes = Ranges.check(spec, "--lobby-idle-minutes", value, 0, 525_600);
  }

  /** Who may create sessions without an admin token, spectators, archiving. */
  public SessionLimits sessionLimits() {
    return new SessionLimits(
        creationsPerAddressPerHour,
        maxAnonymousSessions,
        maxSpectators,
        Duration.ofMinutes(archiveAfterMinutes),
        Duration.ofMinutes(lobbyIdleMinutes));
  }

  public int maxOpenLogs() {
    return maxOpenLogs;
  }

  /**
   * The admin token: {@code --admin-token} (or QUARTERDECK_ADMIN_TOKEN), or the first line of
   * {@code --admin-token-file} (or QUARTERDECK_ADMIN_TOKEN_FILE); not both. A file keeps the token
   * out of {@code ps} and {@code /proc/PID/cmdline}.
   *
   * @throws ParameterException when both are given, or the file cannot be read or holds no token
   */
  public String adminToken() {
    if (adminToken != null && adminTokenFile != null) {
      throw new ParameterException(
          spec.commandLine(), Texts.of(spec).say("usage.admin-token-both"));
    }
    if (adminTokenFile == null) {
      return adminToken;
    }
    String token;
    try {
      String text = java.nio.file.Files.readString(adminTokenFile);
      int newline = text.indexOf('\n');
      token = (newline >= 0 ? text.substring(0, newline) : text).strip();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ParameterException(
          spec.commandLine(),
          Texts.of(spec).say("usage.admin-token-unreadable", adminTokenFile, e.getMessage()),
          e);
    }
    if (token.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), Texts.of(spec).say("usage.admin-token-empty", adminTokenFile));
    }
    return token;
  }

  // ---- end of lifecycle flags ----

  // ---- perimeter flags (connection caps, TLS, WebSocket origins) ----
  @picocli.CommandLine.Mixin private PerimeterFlags perimeterFlags = new PerimeterFlags();

  private Perimeter perimeter;

  /** What faces the network: connection caps, TLS, WebSocket origins. */
  public Perimeter perimeter() {
    if (perimeter == null) {
      perimeter = perimeterFlags.perimeter();
    }
    return perimeter;
  }

  // ---- end of perimeter flags ----

  // ---- cluster store flags ----
  @Option(
      names = "--store",
      defaultValue = "file",
      paramLabel = "file|postgres://USER:PASSWORD@HOST:5432/DB")
  private String store;

  @Option(names = "--database-url", paramLabel = "URL")
  private String databaseUrl;

  @Option(names = "--node-id", paramLabel = "ID")
  private String nodeId;

  @Option(names = "--db-writers", defaultValue = "4", paramLabel = "N")
  private int dbWriters;

  /** Database writer lanes of a cluster node. */
  public int dbWriters() {
    if (dbWriters < 1 || dbWriters > 64) {
      throw new ParameterException(
          spec.commandLine(), Texts.of(spec).say("usage.db-writers", dbWriters));
    }
    return dbWriters;
  }

  /**
   * The cluster's database, or null for the file store.
   *
   * @throws ParameterException when --store and --database-url disagree or name no postgres:// URL
   */
  public DatabaseUrl database() {
    String url = databaseUrl;
    try {
      if (!store.equals("file")) {
        if (url != null && !url.equals(store)) {
          throw new ParameterException(spec.commandLine(), Texts.of(spec).say("usage.store-twice"));
        }
        return DatabaseUrl.parse(store);
      }
      return url == null ? null : DatabaseUrl.parse(url);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), Texts.of(spec).say("usage.store", e.getMessage()));
    }
  }

  /** This node's id in the cluster (default HOST:HTTP_PORT). */
  public String nodeId() {
    if (nodeId != null) {
      return nodeId;
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "node";
    }
    String id = (host + ":" + httpPort).replaceAll("[^A-Za-z0-9._:-]", "-");
    return id.length() > 64 ? id.substring(0, 64) : id;
  }

  // ---- end of cluster store flags ----

  /** Parses {@code serve}'s arguments without running it (tests, tools). */
  static ServeCommand parse(String[] args, java.util.Map<String, String> environment) {
    ServeCommand serve = new ServeCommand();
    picocli.CommandLine line = new picocli.CommandLine(serve);
    line.setDefaultValueProvider(new EnvironmentDefaults(environment));
    line.parseArgs(args);
    serve.database(); // --store and --database-url together are checked here, as a usage error
    serve.dbWriters(); // and --db-writers
    serve.adminToken(); // so are --admin-token and --admin-token-file
    serve.perimeter(); // and the perimeter's flags (the TLS files are read here)
    return serve;
  }

  public InetSocketAddress http() {
    return new InetSocketAddress(bind, httpPort);
  }

  public InetSocketAddress tcp() {
    return new InetSocketAddress(bind, tcpPort);
  }

  public Path data() {
    return data;
  }

  public FsyncMode fsync() {
    return fsync;
  }

  public int fsyncBatchMillis() {
    return fsyncBatchMillis;
  }

  public NetLimits limits() {
    return NetLimits.defaults()
        .withMaxFrameBytes(maxFrameBytes)
        .withTimeouts(
            Duration.ofSeconds(handshakeTimeoutSeconds), Duration.ofSeconds(idleTimeoutSeconds));
  }

  public boolean demo() {
    return demo;
  }

  public ServerOptions.EventLoops loops() {
    return new ServerOptions.EventLoops(transport, ioThreads);
  }

  public StoreOptions storeOptions() {
    return StoreOptions.DEFAULTS
        .withFsyncMode(fsync)
        .withBatchWindow(Duration.ofMillis(fsyncBatchMillis))
        .withMaxOpenLogs(maxOpenLogs);
  }

  /** The facilitator side's serve settings. */
  public record FacilitatorOptions(Path accounts, String publicUrl) {
    FacilitatorAccounts load() throws IOException {
      return accounts == null ? FacilitatorAccounts.none() : FacilitatorAccounts.load(accounts);
    }
  }

  public FacilitatorOptions facilitators() {
    return new FacilitatorOptions(facilitators, publicUrl);
  }

  /** Runs {@code serve} with these arguments (tests); as the command line's {@code serve}. */
  public static int run(String[] args, java.io.PrintStream out, java.io.PrintStream err) {
    return Main.run(
        java.util.stream.Stream.concat(
                java.util.stream.Stream.of("serve"), java.util.Arrays.stream(args))
            .toArray(String[]::new),
        out,
        err);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Texts texts = Texts.of(spec);
    Application app;
    FacilitatorAccounts accounts;
    try {
      accounts = facilitators().load();
    } catch (IOException | IllegalArgumentException e) {
      err.println(texts.say("serve.cannot-start.facilitators", e.getMessage()));
      err.flush();
      return 1;
    }
    DatabaseUrl database = database();
    PostgresJournals cluster = null;
    try {
      ServerOptions.Builder options =
          ServerOptions.on(http(), tcp())
              .limits(limits())
              .adminToken(demo ? null : adminToken())
              .serverName(Version.serverName())
              .loops(loops())
              .accounts(accounts)
              .perimeter(perimeter())
              .sessionLimits(sessionLimits())
              .recoveryThreads(recoveryThreads);
      if (database != null) {
        cluster = openCluster(database, err, texts);
        options.storage(Storage.opened(cluster));
      } else {
        options.storage(Storage.files(data, storeOptions()));
      }
      app = options.start();
    } catch (PortTaken e) {
      String flag = e.port() == PortTaken.Port.HTTP ? "--http-port" : "--tcp-port";
      err.println(
          texts.say(
              "serve.port-taken",
              e.port(),
              e.portNumber(),
              flag,
              EnvironmentDefaults.envName(flag),
              e.getMessage()));
      err.flush();
      return 1;
    } catch (RuntimeException | IOException | java.sql.SQLException e) {
      err.println(texts.say("serve.cannot-start", e.getMessage()));
      err.flush();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                  out.flush();
                  err.flush();
                  // SIGTERM and SIGINT make the JVM exit with 128 + the signal's number (143, 130)
                  // after the
                  // hooks, which service managers read as a failure. The store is flushed and
                  // closed and the
                  // clients were told, so this is a clean stop: say so with 0. Only this command's
                  // hook is
                  // skipped by halt (logging here writes synchronously to stderr and keeps nothing
                  // back).
                  Runtime.getRuntime().halt(haltStatus);
                },
                "quarterdeck-shutdown"));
    ServerAddresses addresses = app.addresses();
    java.util.List<String> reachable =
        PublicUrl.candidates(publicUrl, addresses.http(), addresses.httpUrl());
    app.publicUrl(reachable.get(0));
    out.println(texts.say("serve.up", Version.version()));
    out.println("  " + texts.say("serve.http", addresses.httpUrl()));
    out.println("  " + texts.say("serve.websocket", addresses.webSocketUrl()));
    out.println("  " + texts.say("serve.tcp", addresses.tcpUrl()));
    out.println(
        "  "
            + texts.say(
                "serve.open",
                String.join("  ", reachable),
                reachable.get(0),
                publicUrl == null ? texts.say("serve.open.set-public-url") : ""));
    if (accounts.size() > 0) {
      out.println("  " + texts.say("serve.facilitators", accounts.size(), reachable.get(0)));
    }
    if (cluster != null) {
      out.println(
          "  "
              + texts.say(
                  "serve.store",
                  database,
                  cluster.lease().nodeId(),
                  cluster.lease().epoch(),
                  app.sessions().sessionCount()));
    } else {
      out.println(
          "  "
              + texts.say(
                  "serve.data",
                  data.toAbsolutePath().normalize(),
                  fsync.flagValue(),
                  app.sessions().sessionCount())
              + (app.sessions().sessionsToRebuild() > 0
                  ? " " + texts.say("serve.rebuilding", app.sessions().sessionsToRebuild())
                  : ""));
    }
    if (demo) {
      printDemo(out, texts, app.sessions(), addresses, reachable.get(0));
    }
    out.flush();
    stopped.await();
    return 0;
  }

  /** Joins the cluster on {@code database}; a fenced node stops at once with exit code 75. */
  private PostgresJournals openCluster(DatabaseUrl database, PrintWriter err, Texts texts)
      throws java.sql.SQLException {
    String address = "http://" + http().getHostString() + ":" + httpPort;
    String node = nodeId();
    PostgresJournals journals =
        PostgresJournals.open(
            database, new PostgresJournals.Node(node, address, address), dbWriters());
    journals.onLeaseLost(
        () -> {
          if (journals.lease().fenced()) {
            // another node owns this node's sessions now: stop at once, so that no client
            // keeps talking to a copy that can never save anything again
            err.println(texts.say("serve.fenced", node, journals.lease().epoch()));
            err.flush();
            haltStatus = FENCED_EXIT_CODE;
            new Thread(() -> System.exit(FENCED_EXIT_CODE), "quarterdeck-fenced").start();
          }
        });
    return journals;
  }

  private static void printDemo(
      PrintWriter out,
      Texts texts,
      SessionManager sessions,
      ServerAddresses addresses,
      String publicUrl)
      throws Exception {
    SessionManager.Created demo =
        sessions
            .create(
                CreateSession.newBuilder()
                    .setBuiltinScenario(ScenarioCatalog.defaultName())
                    .setSettings(DEMO)
                    .build())
            .get(10, TimeUnit.SECONDS);
    sessions.start(demo.sessionId()).get(10, TimeUnit.SECONDS);
    String client = "java -jar client-sample/target/quarterdeck-client.jar";
    out.println();
    out.println(texts.say("serve.demo", demo.sessionId(), ScenarioCatalog.defaultName()));
    out.println("  " + texts.say("serve.demo.join-code", demo.joinCode()));
    out.println(
        "  " + texts.say("serve.demo.player-page", publicUrl + "/?code=" + demo.joinCode()));
    out.println(
        "  "
            + texts.say(
                "serve.demo.facilitator-page",
                publicUrl
                    + "/facilitator#token="
                    + demo.facilitatorToken()
                    + "&code="
                    + demo.joinCode()));
    out.println("  " + texts.say("serve.demo.facilitator-token", demo.facilitatorToken()));
    out.println("  " + texts.say("serve.demo.play"));
    out.println(
        "    "
            + texts.say(
                "serve.demo.play-command", client, addresses.webSocketUrl(), demo.joinCode()));
    out.println("  " + texts.say("serve.demo.facilitate"));
    out.println(
        "    "
            + texts.say(
                "serve.demo.facilitate-command",
                client,
                addresses.webSocketUrl(),
                demo.facilitatorToken()));
  }
}

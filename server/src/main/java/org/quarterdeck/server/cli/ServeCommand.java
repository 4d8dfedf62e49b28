package org.quarterdeck.server.cli;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.quarterdeck.server.http.HttpChannelInitializer;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.ProtocolDispatcher;
import org.quarterdeck.server.net.QuarterdeckServer;
import org.quarterdeck.server.net.ServerAddresses;
import org.quarterdeck.server.net.SessionGateway;

/** {@code serve}: runs the server until SIGTERM or SIGINT. */
public final class ServeCommand {
  static final Set<String> FLAGS = Set.of("http-port", "tcp-port", "bind", "data", "admin-token",
      "max-frame-bytes", "idle-timeout-seconds", "handshake-timeout-seconds");
  static final Set<String> SWITCHES = Set.of("demo");

  public static final String USAGE = """
      serve [--http-port 8080] [--tcp-port 7777] [--bind 127.0.0.1] [--data ./quarterdeck-data]
            [--admin-token TOKEN] [--demo] [--max-frame-bytes 65536]
            [--idle-timeout-seconds 60] [--handshake-timeout-seconds 10]
        Every flag can also be set by an environment variable: QUARTERDECK_HTTP_PORT,
        QUARTERDECK_TCP_PORT, QUARTERDECK_BIND, ... (the flag wins). Port 0 picks a free port.""";

  private ServeCommand() {}

  /** Parsed {@code serve} settings. */
  public record Options(InetSocketAddress http, InetSocketAddress tcp, Path data,
      NetLimits limits, String adminToken, boolean demo) {

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
          limits,
          flags.get("admin-token").orElse(null),
          flags.isSet("demo"));
    }
  }

  public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    Options options = Options.parse(args, System.getenv());
    ServerMetrics metrics = new ServerMetrics();
    ProtocolDispatcher dispatcher = new ProtocolDispatcher(options.limits(),
        SessionGateway.unavailable(), Version.serverName());
    QuarterdeckServer server = new QuarterdeckServer(options.http(), options.tcp(),
        options.limits(), dispatcher, metrics, tail -> new HttpChannelInitializer(tail, metrics));
    ServerAddresses addresses;
    try {
      addresses = server.start();
    } catch (RuntimeException e) {
      server.close();
      err.println("cannot start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "quarterdeck-shutdown"));
    out.println("Quarterdeck " + Version.version() + " is up.");
    out.println("  HTTP       " + addresses.httpUrl() + "  (health: " + addresses.httpUrl()
        + "/healthz, metrics: " + addresses.httpUrl() + "/metrics)");
    out.println("  WebSocket  " + addresses.webSocketUrl());
    out.println("  TCP        " + addresses.tcpUrl());
    out.flush();
    stopped.await();
    return 0;
  }
}

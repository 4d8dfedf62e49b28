package org.quarterdeck.server.e2e;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code serve} in a child process under a small file-descriptor limit and heap ({@code sh -c
 * 'ulimit -n N; exec java -XmxM ...'}), so that exhausting them shows within seconds. Loopback,
 * ports chosen by the system.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern TCP = Pattern.compile("TCP\\s+(tcp://\\S+)");
  private static final Pattern WS = Pattern.compile("WebSocket\\s+(ws://\\S+)");
  private static final Pattern HTTP = Pattern.compile("HTTP\\s+(http://\\S+)");

  final Process process;
  final String http;
  final URI webSocket;
  final URI tcp;
  final Path log;

  private ServerProcess(Process process, String http, URI webSocket, URI tcp, Path log) {
    this.process = process;
    this.http = http;
    this.webSocket = webSocket;
    this.tcp = tcp;
    this.log = log;
  }

  /** Starts {@code serve} with {@code args} under {@code ulimit -n fdLimit} and the heap given. */
  static ServerProcess start(Path data, int fdLimit, String heap, String... args)
      throws IOException {
    return start(data, fdLimit, heap, List.of(), args);
  }

  /** As above, with more options for the child's JVM (a GC log, say). */
  static ServerProcess start(
      Path data, int fdLimit, String heap, List<String> jvmOptions, String... args)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                "sh",
                "-c",
                "ulimit -n " + fdLimit + " && exec \"$0\" \"$@\"",
                java.toString(),
                "-Xmx" + heap));
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "org.quarterdeck.server.cli.Main",
            "serve",
            "--http-port",
            "0",
            "--tcp-port",
            "0",
            "--data",
            data.toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(data.getParent(), "server", ".log");
    Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String http = null;
    String ws = null;
    String tcp = null;
    while (tcp == null) {
      String line = out.readLine();
      assertNotNull(
          line, () -> "the server stopped before printing its addresses: " + readQuietly(log));
      Matcher m;
      if ((m = HTTP.matcher(line)).find()) {
        http = m.group(1);
      }
      if ((m = WS.matcher(line)).find()) {
        ws = m.group(1);
      }
      if ((m = TCP.matcher(line)).find()) {
        tcp = m.group(1);
      }
    }
    // keep draining stdout so the child never blocks on a full pipe
    Thread drain =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // discard
                }
              } catch (IOException ignored) {
                // the process ended
              }
            },
            "server-stdout");
    drain.setDaemon(true);
    drain.start();
    return new ServerProcess(process, http, URI.create(ws), URI.create(tcp), log);
  }

  static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Descriptors the server holds now, and how many of them are session logs. */
  long[] descriptors() throws IOException {
    long all = 0;
    long logs = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        all++;
        try {
          if (Files.readSymbolicLink(fd).toString().endsWith(".qlog")) {
            logs++;
          }
        } catch (IOException e) {
          // closed while listing
        }
      }
    }
    return new long[] {all, logs};
  }

  HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(http + path)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** A gauge or counter from /metrics. */
  long metric(String name) throws Exception {
    for (String line : get("/metrics").body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("no metric " + name);
  }

  /** SIGTERM, and waits for the process to end. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}

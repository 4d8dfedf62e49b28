package org.quarterdeck.server.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.quarterdeck.client.load.LoadCommand;
import picocli.CommandLine;

/**
 * One load generator process for several nodes (scripts/cluster-bench.sh): runs the client's {@code
 * load} command once per node, concurrently, in this one JVM, so that the nodes' load costs one
 * JVM's JIT, GC and heap rather than one per node. Each line of a node's report is printed as it
 * comes, after the node's number in the list in brackets ({@code [0] ...}). Not a test.
 *
 * <pre>
 * java -cp ... org.quarterdeck.server.bench.NodesLoad tcp://127.0.0.1:7001,tcp://127.0.0.1:7002 \
 *     --workload decisions --players 400 --sessions 200 --rates 5000 ...
 * </pre>
 *
 * The options after the node list are the {@code load} command's, given to each node alike (the
 * rate and counts are per node).
 */
public final class NodesLoad {
  private NodesLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: NodesLoad URL[,URL...] LOAD_OPTIONS...");
      System.exit(2);
    }
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.INFO);
    String[] urls = args[0].split(",");
    String[] options = Arrays.copyOfRange(args, 1, args.length);
    List<Thread> runs = new ArrayList<>();
    int[] codes = new int[urls.length];
    for (int i = 0; i < urls.length; i++) {
      int n = i;
      System.out.println("[" + n + "] " + urls[n]);
      PrintStream out = new PrintStream(new Prefixed("[" + n + "] "), true, StandardCharsets.UTF_8);
      List<String> line = new ArrayList<>(List.of("--server", urls[n]));
      line.addAll(List.of(options));
      Thread t =
          new Thread(
              () ->
                  codes[n] =
                      new CommandLine(new LoadCommand(out, out))
                          .execute(line.toArray(String[]::new)),
              "load-" + n);
      t.start();
      runs.add(t);
    }
    int worst = 0;
    for (int i = 0; i < urls.length; i++) {
      runs.get(i).join();
      worst = Math.max(worst, codes[i]);
    }
    System.exit(worst);
  }

  /** Passes whole lines to standard output, each after a prefix. */
  private static final class Prefixed extends OutputStream {
    private final String prefix;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    Prefixed(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        synchronized (System.out) {
          System.out.println(prefix + line.toString(StandardCharsets.UTF_8));
          System.out.flush();
        }
        line.reset();
      } else {
        line.write(b);
      }
    }
  }
}

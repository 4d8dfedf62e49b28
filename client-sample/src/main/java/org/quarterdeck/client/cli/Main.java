package org.quarterdeck.client.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import org.quarterdeck.client.load.LoadCommand;

/**
 * Command-line entry point of the sample client: {@code play}, {@code facilitate}, {@code bots}
 * and {@code load}.
 */
public final class Main {
  private static final String USAGE = """
      usage: java -jar quarterdeck-client.jar COMMAND [OPTIONS]
        play        play a seat in the terminal
        facilitate  create or run a session as its facilitator
        bots        fill seats with simple bots that play to the end
        load        the load generator: many players, open-loop decisions, latency percentiles
      Run a command with --help for its options.""";

  private Main() {}

  public static void main(String[] args) {
    quietLogs();
    System.exit(run(args, System.in, System.out, System.err));
  }

  /**
   * The terminal is for people: Netty's debug chatter would drown the game. Done in code rather
   * than with a logback.xml so that programs embedding the library keep their own configuration.
   */
  private static void quietLogs() {
    if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  /** Runs a command; returns its exit code (0 ok, 1 failed, 2 bad usage). */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
      out.println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    boolean help = Arrays.asList(rest).contains("--help");
    return switch (args[0]) {
      case "play" -> help ? usage(out, PlayCommand.USAGE) : PlayCommand.run(rest, in, out, err);
      case "facilitate" -> help ? usage(out, FacilitateCommand.USAGE)
          : FacilitateCommand.run(rest, in, out, err);
      case "bots" -> help ? usage(out, BotsCommand.USAGE) : BotsCommand.run(rest, in, out, err);
      case "load" -> help ? usage(out, LoadCommand.USAGE) : LoadCommand.run(rest, out, err);
      default -> {
        err.println("unknown command '" + args[0] + "'");
        err.println(USAGE);
        yield 2;
      }
    };
  }

  private static int usage(PrintStream out, String usage) {
    out.println(usage);
    return 0;
  }
}

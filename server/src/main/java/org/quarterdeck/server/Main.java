package org.quarterdeck.server;

import java.io.PrintStream;
import java.util.Arrays;
import org.quarterdeck.server.cli.FacilitatorAccountCommand;
import org.quarterdeck.server.cli.Flags;
import org.quarterdeck.server.cli.LogCommands;
import org.quarterdeck.server.cli.ServeCommand;
import org.quarterdeck.server.simulate.SimulateCommand;

/** Command-line entry point of the Quarterdeck server. */
public final class Main {
  private static final String SIMULATE_USAGE = """
      simulate --scenario NAME|FILE --strategies numbers,balanced,... --seeds N [--csv FILE]
          Plays a tournament of bot strategies without network and prints a table per strategy.""";

  private static final String USAGE = "usage: java -jar quarterdeck-server.jar COMMAND [FLAGS]\n\n"
      + "commands:\n" + ServeCommand.USAGE.indent(2) + "\n" + LogCommands.USAGE.indent(2) + "\n"
      + SIMULATE_USAGE.indent(2) + "\n" + FacilitatorAccountCommand.USAGE.indent(2);

  private Main() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
      out.print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    if (Arrays.asList(rest).contains("--help")) {
      out.print(USAGE);
      return 0;
    }
    try {
      return switch (args[0]) {
        case "serve" -> ServeCommand.run(rest, out, err);
        case "export" -> LogCommands.export(rest, out, err);
        case "verify" -> LogCommands.verify(rest, out, err);
        case "simulate" -> SimulateCommand.run(rest, out, err);
        case "facilitator-add" -> FacilitatorAccountCommand.run(rest, System.in, out, err);
        default -> {
          err.println("unknown command '" + args[0] + "'");
          err.print(USAGE);
          yield 2;
        }
      };
    } catch (Flags.UsageException e) {
      err.println(args[0] + ": " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
  }
}

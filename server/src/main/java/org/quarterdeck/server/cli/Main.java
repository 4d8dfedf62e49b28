package org.quarterdeck.server.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import org.quarterdeck.server.simulate.SimulateCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Command-line entry point of the Quarterdeck server. */
@Command(
    name = "quarterdeck-server",
    mixinStandardHelpOptions = true,
    versionProvider = Version.Provider.class,
    resourceBundle = UsageLanguage.BUNDLE,
    subcommands = {
      ServeCommand.class,
      ExportCommand.class,
      VerifyCommand.class,
      SimulateCommand.class,
      AutoComplete.GenerateCompletion.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  @Spec private CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  /** Runs a command; returns its exit code (0 ok, 1 failed, 2 bad usage). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, System.getenv());
  }

  /** As {@link #run(String[], PrintStream, PrintStream)}, with {@code environment} as the env. */
  public static int run(
      String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
    return commandLine(out, err, environment).execute(args);
  }

  static CommandLine commandLine(
      PrintStream out, PrintStream err, Map<String, String> environment) {
    return commandLine(System.in, out, err, environment);
  }

  /**
   * As {@link #commandLine(PrintStream, PrintStream, Map)}, reading standard input from {@code in}.
   */
  static CommandLine commandLine(
      InputStream in, PrintStream out, PrintStream err, Map<String, String> environment) {
    CommandLine line = new CommandLine(new Main()).addSubcommand(new FacilitatorAccountCommand(in));
    line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    // After the subcommands are added, so that it reaches every one of them.
    line.setDefaultValueProvider(new EnvironmentDefaults(environment));
    UsageLanguage.apply(line, UsageLanguage.bundle(environment));
    return line;
  }

  /** No command: the usage, as a usage error (exit 2). */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CommandLine.ExitCode.USAGE;
  }
}

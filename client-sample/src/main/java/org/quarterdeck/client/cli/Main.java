package org.quarterdeck.client.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.quarterdeck.client.load.LoadCommand;
import org.quarterdeck.client.load.echo.EchoServer;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Command-line entry point of the sample client: {@code play}, {@code facilitate}, {@code bots},
 * {@code load} and {@code echo-server}.
 */
@Command(
    name = "quarterdeck-client",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    resourceBundle = UsageLanguage.BUNDLE)
public final class Main implements Callable<Integer> {
  @Spec private CommandSpec spec;

  public static void main(String[] args) throws java.io.IOException {
    quietLogs();
    // A person at a terminal gets line editing, history and completion; a pipe gets plain lines.
    Terminal terminal =
        System.console() == null ? null : TerminalBuilder.builder().system(true).build();
    System.exit(run(args, System.in, System.out, System.err, System.getenv(), terminal));
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
    return run(args, in, out, err, System.getenv());
  }

  /** As {@link #run(String[], InputStream, PrintStream, PrintStream)} with its own environment. */
  public static int run(
      String[] args,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> environment) {
    return run(args, in, out, err, environment, null);
  }

  /**
   * Runs a command; {@code play} and {@code facilitate} read from {@code terminal} with line
   * editing, history and completion when it is not null (else plain lines from {@code in}).
   */
  public static int run(
      String[] args,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> environment,
      Terminal terminal) {
    return commandLine(in, out, err, environment, terminal).execute(args);
  }

  /** Every command, wired to these streams, its usage help in the environment's language. */
  static CommandLine commandLine(
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> environment,
      Terminal terminal) {
    CommandLine line =
        new CommandLine(new Main())
            .addSubcommand(new PlayCommand.Options(in, out, err, terminal))
            .addSubcommand(new FacilitateCommand.Options(in, out, err, terminal))
            .addSubcommand(new BotsCommand(out, err))
            .addSubcommand(new LoadCommand(out, err))
            .addSubcommand(new EchoServer.Command())
            .addSubcommand(new AutoComplete.GenerateCompletion())
            .addSubcommand(new CommandLine.HelpCommand());
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

  /** {@code --version}: the jar's version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"quarterdeck-client/" + (v == null ? "dev" : v)};
    }
  }
}

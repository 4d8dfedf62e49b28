package org.quarterdeck.server.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.quarterdeck.server.facilitator.FacilitatorAccounts;
import org.quarterdeck.server.facilitator.PasswordHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facilitator-add}: creates or changes a facilitator account. The password is read from
 * standard input (never a flag: flags end up in shell history and process lists).
 */
@Command(name = "facilitator-add", mixinStandardHelpOptions = true, sortOptions = false)
public final class FacilitatorAccountCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  private final InputStream in;

  @Option(names = "--facilitators", required = true, paramLabel = "FILE")
  private Path file;

  @Option(names = "--name", required = true, paramLabel = "NAME")
  private String name;

  private int iterations;

  @Option(
      names = "--iterations",
      paramLabel = "N",
      defaultValue = "" + PasswordHash.DEFAULT_ITERATIONS)
  void iterations(int value) {
    iterations = Ranges.check(spec, "--iterations", value, PasswordHash.MIN_ITERATIONS, 10_000_000);
  }

  FacilitatorAccountCommand(InputStream in) {
    this.in = in;
  }

  /** Runs {@code facilitator-add} with these arguments (tests). */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    picocli.CommandLine line = new picocli.CommandLine(new FacilitatorAccountCommand(in));
    line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    return line.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Texts texts = Texts.of(spec);
    String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    if (line == null || line.isEmpty() || line.length() > 200) {
      err.println(texts.say("account.no-password"));
      err.flush();
      return 2;
    }
    char[] password = line.toCharArray();
    try {
      FacilitatorAccounts.put(file, name, password, iterations);
    } catch (IllegalArgumentException e) {
      err.println(texts.say("account.refused", e.getMessage()));
      err.flush();
      return 2;
    } finally {
      Arrays.fill(password, '\0');
    }
    out.println(texts.say("account.saved", name, file));
    out.flush();
    return 0;
  }
}

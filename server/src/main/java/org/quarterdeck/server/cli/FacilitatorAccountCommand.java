package org.quarterdeck.server.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.quarterdeck.server.facilitator.FacilitatorAccounts;
import org.quarterdeck.server.facilitator.PasswordHash;

/**
 * {@code facilitator-add}: creates or changes a facilitator account. The password is read from
 * standard input (never a flag: flags end up in shell history and process lists).
 */
public final class FacilitatorAccountCommand {
  public static final String USAGE = """
      facilitator-add --facilitators FILE --name NAME [--iterations 600000] < password
          Adds a facilitator account (or sets its password) in FILE, the file `serve
          --facilitators FILE` reads. The password is the first line of standard input; FILE
          keeps only a PBKDF2 hash of it. NAME is also the room link /room/NAME.""";

  private FacilitatorAccountCommand() {}

  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err)
      throws Exception {
    Flags flags = Flags.parse(args, Set.of("facilitators", "name", "iterations"), Set.of(),
        Map.of());
    Path file = Path.of(flags.get("facilitators").orElseThrow(
        () -> new Flags.UsageException("--facilitators is required")));
    String name = flags.get("name").orElseThrow(
        () -> new Flags.UsageException("--name is required"));
    int iterations = flags.getInt("iterations", PasswordHash.DEFAULT_ITERATIONS,
        PasswordHash.MIN_ITERATIONS, 10_000_000);
    String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
        .readLine();
    if (line == null || line.isEmpty() || line.length() > 200) {
      err.println("facilitator-add: give the password (1..200 characters) on standard input");
      return 2;
    }
    char[] password = line.toCharArray();
    try {
      FacilitatorAccounts.put(file, name, password, iterations);
    } catch (IllegalArgumentException e) {
      err.println("facilitator-add: " + e.getMessage());
      return 2;
    } finally {
      Arrays.fill(password, '\0');
    }
    out.println("facilitator " + name + " saved in " + file);
    return 0;
  }
}

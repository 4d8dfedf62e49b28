package org.quarterdeck.server.facilitator;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The facilitator accounts an operator created: a text file of {@code name:password-hash} lines
 * ({@code #} starts a comment). A name is also the facilitator's permanent room link ({@code
 * /room/NAME}), so it is short, lowercase and URL-safe.
 */
public final class FacilitatorAccounts {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  /** The name a connection signed in with the server's admin token gets. */
  public static final String ADMIN = "admin";

  private final Map<String, PasswordHash> accounts;

  /**
   * Checked instead when the name is unknown, at the same cost, so that the time a refusal takes
   * does not tell which names exist.
   */
  private final PasswordHash standIn;

  private FacilitatorAccounts(Map<String, PasswordHash> accounts) {
    this.accounts = Map.copyOf(accounts);
    this.standIn =
        accounts.isEmpty()
            ? null
            : PasswordHash.of(new char[] {'-'}, accounts.values().iterator().next().iterations());
  }

  public static FacilitatorAccounts none() {
    return new FacilitatorAccounts(Map.of());
  }

  /** Reads an accounts file; errors name the file and line. */
  public static FacilitatorAccounts load(Path file) throws IOException {
    return new FacilitatorAccounts(read(file));
  }

  private static Map<String, PasswordHash> read(Path file) throws IOException {
    Map<String, PasswordHash> accounts = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      String where = file + ":" + (i + 1) + ": ";
      if (colon < 0) {
        throw new IllegalArgumentException(where + "expected NAME:HASH");
      }
      String name = line.substring(0, colon);
      checkName(name, where);
      try {
        accounts.put(name, PasswordHash.parse(line.substring(colon + 1)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + e.getMessage());
      }
    }
    return accounts;
  }

  /**
   * Adds or replaces an account in the file (created if missing), writing a new file and moving it
   * into place so a crash leaves the old file or the new one, never half of one.
   */
  public static void put(Path file, String name, char[] password, int iterations)
      throws IOException {
    checkName(name, "");
    Map<String, PasswordHash> accounts = Files.exists(file) ? read(file) : new LinkedHashMap<>();
    accounts.put(name, PasswordHash.of(password, iterations));
    List<String> lines = new ArrayList<>();
    lines.add("# Quarterdeck facilitator accounts: NAME:PBKDF2 hash (never a password)");
    accounts.forEach((n, h) -> lines.add(n + ":" + h));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void checkName(String name, String where) {
    if (!NAME.matcher(name).matches() || name.equals(ADMIN)) {
      throw new IllegalArgumentException(
          where
              + "a facilitator name is 1..32 characters of a-z,"
              + " 0-9 and '-' (not '"
              + ADMIN
              + "'), was '"
              + name
              + "'");
    }
  }

  /** True when the account exists and the password matches (slow by design: run off a loop). */
  public boolean check(String name, char[] password) {
    requireNonNull(password, "password");
    PasswordHash hash = accounts.get(requireNonNull(name, "name"));
    if (hash == null) {
      if (standIn != null) {
        standIn.matches(password);
      }
      return false;
    }
    return hash.matches(password);
  }

  public Optional<String> find(String name) {
    return accounts.containsKey(name) ? Optional.of(name) : Optional.empty();
  }

  public int size() {
    return accounts.size();
  }

  /**
   * Which accounts with which passwords, as a SHA-256 in hex (the same for two files that differ
   * only in comments or order): the nodes of a cluster compare theirs.
   */
  public String fingerprint() {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      for (String name : new java.util.TreeSet<>(accounts.keySet())) {
        sha.update((name + ":" + accounts.get(name) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}

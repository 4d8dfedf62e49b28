package org.quarterdeck.server.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Command-line flags ({@code --name value}, {@code --name=value}, or {@code --switch}), each also
 * settable by the environment variable {@code QUARTERDECK_NAME} (dashes become underscores).
 * Flags win over the environment.
 */
public final class Flags {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> environment;

  private Flags(Map<String, String> environment) {
    this.environment = environment;
  }

  /**
   * Parses {@code args}; {@code switches} name the flags that take no value.
   *
   * @throws UsageException on an unknown flag, a missing value or a stray argument
   */
  public static Flags parse(String[] args, Set<String> known, Set<String> switches,
      Map<String, String> environment) {
    Flags flags = new Flags(environment);
    List<String> rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      String arg = rest.remove(0);
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (!known.contains(name) && !switches.contains(name)) {
        throw new UsageException("unknown flag --" + name);
      }
      if (switches.contains(name)) {
        flags.values.put(name, value == null ? "true" : value);
        continue;
      }
      if (value == null) {
        if (rest.isEmpty()) {
          throw new UsageException("flag --" + name + " needs a value");
        }
        value = rest.remove(0);
      }
      flags.values.put(name, value);
    }
    return flags;
  }

  public Optional<String> get(String name) {
    String value = values.get(name);
    if (value == null) {
      value = environment.get(envName(name));
    }
    return Optional.ofNullable(value).filter(v -> !v.isEmpty());
  }

  public String get(String name, String fallback) {
    return get(name).orElse(fallback);
  }

  public int getInt(String name, int fallback, int min, int max) {
    Optional<String> value = get(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.get().trim());
      if (parsed < min || parsed > max) {
        throw new UsageException("--" + name + " must be between " + min + " and " + max
            + ", was " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, was '" + value.get() + "'");
    }
  }

  public boolean isSet(String name) {
    return get(name).map(v -> !v.equalsIgnoreCase("false") && !v.equals("0")).orElse(false);
  }

  public static String envName(String flag) {
    return "QUARTERDECK_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** A command line that cannot be run as written. */
  public static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
      super(message);
    }
  }
}

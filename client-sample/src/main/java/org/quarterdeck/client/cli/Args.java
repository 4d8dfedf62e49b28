package org.quarterdeck.client.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Command-line flags: {@code --name value} for flags, {@code --name} alone for switches. */
final class Args {
  private final Map<String, String> values = new HashMap<>();
  private final Set<String> switches = new HashSet<>();

  private Args() {}

  /** Parses {@code args}; anything not in {@code flags} or {@code switchNames} is an error. */
  static Args parse(String[] args, Set<String> flags, Set<String> switchNames) {
    Args parsed = new Args();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new UsageException("unexpected argument '" + a + "'");
      }
      String name = a.substring(2);
      String inline = null;
      int eq = name.indexOf('=');
      if (eq > 0) {
        inline = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (switchNames.contains(name) && inline == null) {
        parsed.switches.add(name);
      } else if (flags.contains(name)) {
        if (inline == null) {
          if (i + 1 >= args.length) {
            throw new UsageException("--" + name + " needs a value");
          }
          inline = args[++i];
        }
        parsed.values.put(name, inline);
      } else {
        throw new UsageException("unknown option --" + name);
      }
    }
    return parsed;
  }

  Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  String require(String name) {
    return get(name).orElseThrow(() -> new UsageException("--" + name + " is required"));
  }

  int getInt(String name, int fallback, int min, int max) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n < min || n > max) {
        throw new UsageException("--" + name + " must be " + min + ".." + max + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, was '" + v + "'");
    }
  }

  long getLong(String name, long fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, was '" + v + "'");
    }
  }

  boolean isSet(String name) {
    return switches.contains(name);
  }

  /** A mistake on the command line: the message says what, the command prints its usage. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}

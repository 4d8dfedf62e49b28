package org.quarterdeck.server.bot;

import java.util.ArrayList;
import java.util.List;
import org.quarterdeck.protocol.v1.OptionStance;

/**
 * Parses strategy names: {@code numbers} (management only), {@code leader} (leadership only),
 * {@code balanced} (half and half), {@code adaptive} (reads its team's state), {@code random}, and
 * {@code static:<share>} with 0 <= share <= 1.
 */
public final class Strategies {
  /** Names accepted by {@link #parse}, for help texts. */
  public static final List<String> NAMES =
      List.of("numbers", "leader", "balanced", "adaptive", "random", "static:<share>");

  private Strategies() {}

  /** Parses one strategy name; throws IllegalArgumentException with a clear message. */
  public static Strategy parse(String name) {
    String s = name == null ? "" : name.trim();
    switch (s) {
      case "numbers":
        return new StaticStrategy("numbers", 0.0, OptionStance.OPTION_STANCE_EXPEDIENT);
      case "leader":
        return new StaticStrategy("leader", 1.0, OptionStance.OPTION_STANCE_PRINCIPLED);
      case "balanced":
        return new StaticStrategy("balanced", 0.5, OptionStance.OPTION_STANCE_PRINCIPLED);
      case "adaptive":
        return new AdaptiveStrategy();
      case "random":
        return new RandomStrategy();
      default:
        break;
    }
    if (s.startsWith("static:")) {
      String num = s.substring("static:".length());
      double share;
      try {
        share = Double.parseDouble(num);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "static share must be a number in [0, 1]: '" + num + "'");
      }
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("static share must be in [0, 1]: " + num);
      }
      return new StaticStrategy(s, share, OptionStance.OPTION_STANCE_PRINCIPLED);
    }
    throw new IllegalArgumentException("unknown strategy '" + name + "'; expected one of " + NAMES);
  }

  /** Parses a comma-separated list. */
  public static List<Strategy> parseList(String csv) {
    List<Strategy> out = new ArrayList<>();
    for (String part : csv.split(",", -1)) {
      out.add(parse(part));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no strategies given");
    }
    return out;
  }
}

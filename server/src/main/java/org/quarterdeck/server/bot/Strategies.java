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

  /** Why {@link #parse} refused a name; the command line words each from its own bundle. */
  public enum Refusal {
    /** None of {@link #NAMES}; {@link Refused#value()} is the name. */
    UNKNOWN,
    /** {@code static:} and no number after it; the value is what came after. */
    SHARE_NOT_A_NUMBER,
    /** {@code static:} and a number outside [0, 1]; the value is the number as typed. */
    SHARE_OUT_OF_RANGE
  }

  /**
   * A strategy name {@link #parse} refuses: why, and the part of the name that is wrong. Its
   * message is the English sentence that logs, library users and the server's error replies carry.
   */
  public static final class Refused extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final Refusal reason;
    private final String value;

    Refused(Refusal reason, String value) {
      super(english(reason, value));
      this.reason = reason;
      this.value = value;
    }

    /** Why the name was refused. */
    public Refusal reason() {
      return reason;
    }

    /** The part of the name the reason is about. */
    public String value() {
      return value;
    }

    private static String english(Refusal reason, String value) {
      return switch (reason) {
        case UNKNOWN -> "unknown strategy '" + value + "'; expected one of " + NAMES;
        case SHARE_NOT_A_NUMBER -> "static share must be a number in [0, 1]: '" + value + "'";
        case SHARE_OUT_OF_RANGE -> "static share must be in [0, 1]: " + value;
      };
    }
  }

  /** Parses one strategy name; throws {@link Refused} with the reason. */
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
        throw new Refused(Refusal.SHARE_NOT_A_NUMBER, num);
      }
      if (!(share >= 0 && share <= 1)) {
        throw new Refused(Refusal.SHARE_OUT_OF_RANGE, num);
      }
      return new StaticStrategy(s, share, OptionStance.OPTION_STANCE_PRINCIPLED);
    }
    throw new Refused(Refusal.UNKNOWN, String.valueOf(name));
  }

  /** Parses a comma-separated list (an empty part is an unknown name). */
  public static List<Strategy> parseList(String csv) {
    List<Strategy> out = new ArrayList<>();
    for (String part : csv.split(",", -1)) {
      out.add(parse(part));
    }
    return out;
  }
}

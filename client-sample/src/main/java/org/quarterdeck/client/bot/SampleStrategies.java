package org.quarterdeck.client.bot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.DilemmaChoice;
import org.quarterdeck.protocol.v1.DilemmaView;
import org.quarterdeck.protocol.v1.TurnOpened;

/**
 * Sample strategies by name: small examples of a bot that plays over the wire, for the client's
 * {@code bots} command and the load generator. They are <em>not</em> the server's strategies
 * ({@code org.quarterdeck.server.bot}), which play the server's bot seats and {@code simulate} with
 * the engine's whole state: a sample "adaptive" sees only what a seat sees and is a different,
 * simpler rule, so its scores are not comparable with the server's. All book only free hours (never
 * overtime), in half hours.
 *
 * <ul>
 *   <li>{@code numbers}: every free hour on management acts, evenly;
 *   <li>{@code leader}: every free hour on leadership acts, evenly;
 *   <li>{@code balanced}: half and half, each half spread evenly;
 *   <li>{@code static:S}: the share S (0..1) on leadership, the rest on management;
 *   <li>{@code random}: a random leadership share and random weights, from the bot's seed;
 *   <li>{@code adaptive}: reads the team's variables and leans towards what is weak (see {@link
 *       #adaptive}).
 * </ul>
 *
 * Dilemmas: {@code numbers} takes each dilemma's last option, {@code random} a random one, the
 * others the first (the scenarios list the principled option first; the wire does not say).
 */
public final class SampleStrategies {
  /** Names accepted by {@link #parse}, for usage texts. */
  public static final String NAMES = "adaptive|balanced|numbers|leader|random|static:S";

  private SampleStrategies() {}

  /**
   * A name {@link #parse} refuses, and whether it is unknown or a {@code static:S} without a share
   * in [0, 1]. The message is English (logs, library users); the command line words it again.
   */
  public static final class Refused extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final boolean share;

    Refused(String name, boolean share) {
      super(
          share
              ? "static:S needs a share S between 0 and 1"
              : "unknown strategy '" + name + "'; use " + NAMES);
      this.share = share;
    }

    /** True when the name is {@code static:} with a share that is no number in [0, 1]. */
    public boolean share() {
      return share;
    }
  }

  /** The strategy a name stands for; throws {@link Refused} for any other name. */
  public static SampleStrategy parse(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return switch (n) {
      case "numbers" -> fixed(n, 0.0, Dilemmas.LAST);
      case "leader" -> fixed(n, 1.0, Dilemmas.FIRST);
      case "balanced" -> fixed(n, 0.5, Dilemmas.FIRST);
      case "random" ->
          new SampleStrategy() {
            @Override
            public String name() {
              return "random";
            }

            @Override
            public Decision decide(TurnOpened turn, Map<String, Double> team, Random random) {
              Map<String, Double> weights = new LinkedHashMap<>();
              turn.getActsList().forEach(a -> weights.put(a.getId(), random.nextDouble()));
              return split(turn, random.nextDouble(), weights, Dilemmas.RANDOM, random);
            }
          };
      case "adaptive" -> adaptive();
      default -> {
        if (n.startsWith("static:")) {
          double share;
          try {
            share = Double.parseDouble(n.substring("static:".length()));
          } catch (NumberFormatException e) {
            throw new Refused(name, true);
          }
          if (!(share >= 0 && share <= 1)) {
            throw new Refused(name, true);
          }
          yield fixed(n, share, Dilemmas.FIRST);
        }
        throw new Refused(name, false);
      }
    };
  }

  private static SampleStrategy fixed(String name, double share, Dilemmas dilemmas) {
    return new SampleStrategy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Decision decide(TurnOpened turn, Map<String, Double> team, Random random) {
        return split(turn, share, Map.of(), dilemmas, random);
      }
    };
  }

  /**
   * A bot that reads its team: it starts from an even split and moves hours towards leadership when
   * morale, trust, clarity or adoption are low or stress and complacency high, and towards
   * management when results lag the quarterly target or the boss loses confidence. Within each half
   * it weights the acts that address the weakest variables (coach and serve for morale, change for
   * adoption, challenge for complacency, vision for clarity, values for trust; push for results,
   * report for the boss, firefight for readiness).
   */
  static SampleStrategy adaptive() {
    return new SampleStrategy() {
      @Override
      public String name() {
        return "adaptive";
      }

      @Override
      public Decision decide(TurnOpened turn, Map<String, Double> team, Random random) {
        double share = 0.45;
        Map<String, Double> w = new LinkedHashMap<>();
        double morale = team.getOrDefault("morale", 60.0);
        double stress = team.getOrDefault("stress", 40.0);
        double adoption = team.getOrDefault("adoption", 0.5);
        double complacency = team.getOrDefault("complacency", 30.0);
        double clarity = team.getOrDefault("clarity", 50.0);
        double trust = team.getOrDefault("trust", 60.0);
        double boss = team.getOrDefault("boss_confidence", 60.0);
        double readiness = team.getOrDefault("readiness", 60.0);
        double results = team.getOrDefault("results", 0.0);
        double target = team.getOrDefault("target", 0.0);
        if (morale < 55) {
          share += 0.1;
          w.merge("coach", 1.0, Double::sum);
          w.merge("serve", 1.0, Double::sum);
        }
        if (stress > 60) {
          share += 0.05;
          w.merge("serve", 1.0, Double::sum);
        }
        if (adoption < 0.3 + 0.05 * turn.getQuarter()) {
          share += 0.05;
          w.merge("change", 1.5, Double::sum);
        }
        if (complacency > 45) {
          w.merge("challenge", 1.0, Double::sum);
        }
        if (clarity < 45) {
          w.merge("vision", 1.0, Double::sum);
        }
        if (trust < 50) {
          w.merge("values", 1.0, Double::sum);
        }
        // Results are reported per quarter: compare them with the share of the target the
        // quarter's elapsed turns should have made. A server older than TurnOpened's fields
        // 13 and 14 sends zeros: assume the common three-turn quarter then.
        int perQuarter = turn.getTurnsPerQuarter() > 0 ? turn.getTurnsPerQuarter() : 3;
        int inQuarter =
            turn.getTurnInQuarter() > 0
                ? turn.getTurnInQuarter() - 1
                : (turn.getTurn() - 1) % perQuarter;
        if (target > 0
            && inQuarter > 0
            && results < target * inQuarter / (double) perQuarter * 0.9) {
          share -= 0.15;
          w.merge("push", 1.5, Double::sum);
        }
        if (boss < 45) {
          share -= 0.05;
          w.merge("report", 1.0, Double::sum);
        }
        if (readiness < 40) {
          w.merge("firefight", 1.0, Double::sum);
        }
        share = Math.max(0.2, Math.min(0.8, share));
        return split(turn, share, w, Dilemmas.FIRST, random);
      }
    };
  }

  private enum Dilemmas {
    FIRST,
    LAST,
    RANDOM
  }

  /**
   * Splits the free hours: {@code leadershipShare} of them over leadership acts, the rest over
   * management acts, each act weighted 1 plus its entry in {@code extraWeight}. A side without acts
   * (a two-hats seat) gives its hours to the other side. Hours are rounded down to half hours so
   * the total never exceeds the free hours.
   */
  static Decision split(
      TurnOpened turn,
      double leadershipShare,
      Map<String, Double> extraWeight,
      Dilemmas dilemmas,
      Random random) {
    List<ActView> lead = new ArrayList<>();
    List<ActView> manage = new ArrayList<>();
    for (ActView a : turn.getActsList()) {
      (a.getLeadership() ? lead : manage).add(a);
    }
    double share = lead.isEmpty() ? 0 : manage.isEmpty() ? 1 : leadershipShare;
    double free = Math.max(0, turn.getFreeHours());
    Decision.Builder d = Decision.newBuilder();
    spread(d, lead, free * share, extraWeight);
    spread(d, manage, free * (1 - share), extraWeight);
    for (DilemmaView dilemma : turn.getDilemmasList()) {
      int n = dilemma.getOptionsCount();
      if (n == 0) {
        continue;
      }
      int pick =
          switch (dilemmas) {
            case FIRST -> 0;
            case LAST -> n - 1;
            case RANDOM -> random.nextInt(n);
          };
      d.addChoices(
          DilemmaChoice.newBuilder()
              .setDilemma(dilemma.getId())
              .setOption(dilemma.getOptions(pick).getId()));
    }
    return d.build();
  }

  private static void spread(
      Decision.Builder d, List<ActView> acts, double hours, Map<String, Double> extraWeight) {
    double total = 0;
    for (ActView a : acts) {
      total += 1 + extraWeight.getOrDefault(a.getId(), 0.0);
    }
    for (ActView a : acts) {
      double h = Math.floor(hours * (1 + extraWeight.getOrDefault(a.getId(), 0.0)) / total * 2) / 2;
      if (h > 0) {
        d.addHours(ActHours.newBuilder().setAct(a.getId()).setHours(h));
      }
    }
  }
}

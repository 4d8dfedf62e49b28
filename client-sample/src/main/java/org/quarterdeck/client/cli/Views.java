package org.quarterdeck.client.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.quarterdeck.client.ServerReplyException;
import org.quarterdeck.protocol.v1.Contribution;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.EventView;
import org.quarterdeck.protocol.v1.FinalScore;
import org.quarterdeck.protocol.v1.LobbySeat;
import org.quarterdeck.protocol.v1.LobbyUpdate;
import org.quarterdeck.protocol.v1.QuarterClosed;
import org.quarterdeck.protocol.v1.SessionEnded;
import org.quarterdeck.protocol.v1.Standing;
import org.quarterdeck.protocol.v1.TeamView;
import org.quarterdeck.protocol.v1.TurnReport;
import org.quarterdeck.protocol.v1.Variable;
import org.quarterdeck.protocol.v1.VariableChange;

/** Plain-text renderings shared by the commands: line-oriented, no terminal control. */
final class Views {
  private Views() {}

  static String num(double v) {
    double a = Math.abs(v);
    return String.format(Locale.ROOT, a != 0 && a < 10 ? "%.2f" : "%.1f", v);
  }

  static String signed(double v) {
    return (v >= 0 ? "+" : "") + num(v);
  }

  static String hours(double h) {
    return h == Math.rint(h) ? String.valueOf((long) h) : String.format(Locale.ROOT, "%.1f", h);
  }

  static String duration(long millis) {
    long s = Math.max(0, (millis + 999) / 1000);
    return s >= 60 ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60) : s + " s";
  }

  static String label(Variable v) {
    return v.getLabel().isEmpty() ? v.getName() : v.getLabel();
  }

  static void team(PrintStream out, TeamView team) {
    out.println(
        "  "
            + team.getName()
            + (team.getPlayersCount() > 0
                ? " (" + String.join(", ", team.getPlayersList()) + ")"
                : team.getBot() ? " (bot)" : ""));
    for (Variable v : team.getVariablesList()) {
      out.printf(Locale.ROOT, "    %-22s %10s%n", label(v), num(v.getValue()));
    }
  }

  /** What changed and why: each variable's move and the causes behind it. */
  static void report(PrintStream out, TurnReport report) {
    if (report.getDefaulted()) {
      out.println("  (no decision arrived in time: the scenario's default decision was played)");
    }
    for (EventView e : report.getEventsList()) {
      out.println(
          "  Event: "
              + e.getTitle()
              + (e.getNarrative().isEmpty() ? "" : " - " + e.getNarrative()));
    }
    for (VariableChange c : report.getChangesList()) {
      double delta = c.getAfter() - c.getBefore();
      if (Math.abs(delta) < 1e-9 && c.getContributionsCount() == 0) {
        continue;
      }
      String label = c.getLabel().isEmpty() ? c.getName() : c.getLabel();
      out.printf(
          Locale.ROOT,
          "  %-22s %10s -> %-10s (%s)%n",
          label,
          num(c.getBefore()),
          num(c.getAfter()),
          signed(delta));
      for (Contribution k : c.getContributionsList()) {
        out.printf(
            Locale.ROOT,
            "      %s %s%s%n",
            signed(k.getDelta()),
            k.getLabel(),
            k.getFromTurn() > 0 ? " (from turn " + k.getFromTurn() + ")" : "");
      }
    }
  }

  static void standings(PrintStream out, List<Standing> standings) {
    if (standings.isEmpty()) {
      return;
    }
    out.println("  Standings:");
    for (Standing s : standings) {
      out.printf(
          Locale.ROOT,
          "    %2d. %-20s results %10s%s%n",
          s.getRank(),
          s.getName(),
          num(s.getResults()),
          s.getScore() != 0 ? "  score " + num(s.getScore()) : "");
    }
  }

  static void quarter(PrintStream out, QuarterClosed q) {
    out.println("=== Quarter " + q.getQuarter() + " closed ===");
    if (q.getTarget() > 0 || q.getResults() > 0) {
      out.println(
          "  Your results "
              + num(q.getResults())
              + " against a target of "
              + num(q.getTarget())
              + ": target "
              + (q.getTargetMet() ? "MET" : "MISSED"));
    }
    standings(out, q.getStandingsList());
  }

  static void ended(PrintStream out, SessionEnded ended) {
    out.println("=== Game over: final scores ===");
    for (FinalScore s : ended.getScoresList()) {
      StringBuilder parts = new StringBuilder();
      for (Variable p : s.getPartsList()) {
        parts
            .append(parts.length() == 0 ? "  (" : ", ")
            .append(p.getName())
            .append(' ')
            .append(num(p.getValue()));
      }
      if (parts.length() > 0) {
        parts.append(')');
      }
      out.printf(Locale.ROOT, "  %-20s %10s%s%n", s.getName(), num(s.getScore()), parts);
    }
    if (ended.getDebriefCount() > 0) {
      out.println("  Debrief:");
      ended.getDebriefList().forEach(line -> out.println("    - " + line));
    }
  }

  static void lobby(PrintStream out, LobbyUpdate lobby) {
    for (LobbySeat s : lobby.getSeatsList()) {
      String who =
          !s.getDisplayName().isEmpty()
              ? s.getDisplayName() + (s.getConnected() ? "" : " (disconnected)")
              : s.getBot() ? "bot " + s.getBotStrategy() : "empty";
      out.println("    team " + (s.getTeam() + 1) + hat(s.getHat()) + ": " + who);
    }
  }

  static String hat(org.quarterdeck.protocol.v1.Hat hat) {
    return switch (hat) {
      case LEADER -> " leader";
      case MANAGER -> " manager";
      default -> "";
    };
  }

  static int humans(LobbyUpdate lobby) {
    return (int) lobby.getSeatsList().stream().filter(s -> !s.getDisplayName().isEmpty()).count();
  }

  /** A server's refusal in one line; UNAVAILABLE says plainly that the server lacks it. */
  static String refusal(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && !(t instanceof ServerReplyException)) {
      t = t.getCause();
    }
    if (t instanceof ServerReplyException e) {
      if (e.error().getCode() == ErrorCode.UNAVAILABLE) {
        return "the server cannot do this yet (UNAVAILABLE: " + e.error().getMessage() + ")";
      }
      return "the server refused: " + e.error().getCode() + ": " + e.error().getMessage();
    }
    if (t instanceof java.net.ConnectException
        || t instanceof java.nio.channels.ClosedChannelException) {
      return "cannot reach the server ("
          + (t.getMessage() == null ? "connection closed" : t.getMessage())
          + ")";
    }
    if (t instanceof java.util.concurrent.TimeoutException) {
      return "no answer from the server in time (" + t.getMessage() + ")";
    }
    return "failed: " + t;
  }
}

package org.quarterdeck.client.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.client.ServerReplyException;
import org.quarterdeck.client.net.ClientTls;
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

/**
 * Plain-text renderings shared by the commands: line-oriented, no terminal control; the words and
 * the numbers' notation in the language of {@code texts}.
 */
final class Views {
  private final Texts texts;

  Views(Texts texts) {
    this.texts = requireNonNull(texts, "texts");
  }

  /** A sentence of the bundle in the views' language (see {@link Texts#say}). */
  String say(String key, Object... values) {
    return texts.say(key, values);
  }

  String num(double v) {
    double a = Math.abs(v);
    return texts.number(v, a != 0 && a < 10 ? 2 : 1);
  }

  String signed(double v) {
    return (v >= 0 ? "+" : "") + num(v);
  }

  String hours(double h) {
    return h == Math.rint(h) ? String.valueOf((long) h) : texts.number(h, 1);
  }

  static String duration(long millis) {
    long s = Math.max(0, (millis + 999) / 1000);
    return s >= 60 ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60) : s + " s";
  }

  static String label(Variable v) {
    return v.getLabel().isEmpty() ? v.getName() : v.getLabel();
  }

  void team(PrintStream out, TeamView team) {
    out.println(
        "  "
            + team.getName()
            + (team.getPlayersCount() > 0
                ? " (" + String.join(", ", team.getPlayersList()) + ")"
                : team.getBot() ? " (" + texts.say("view.bot") + ")" : ""));
    for (Variable v : team.getVariablesList()) {
      out.printf(Locale.ROOT, "    %-22s %10s%n", label(v), num(v.getValue()));
    }
  }

  /** What changed and why: each variable's move and the causes behind it. */
  void report(PrintStream out, TurnReport report) {
    if (report.getDefaulted()) {
      out.println("  " + texts.say("view.defaulted"));
    }
    for (EventView e : report.getEventsList()) {
      event(out, e);
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
            k.getFromTurn() > 0 ? " " + texts.say("view.from-turn", k.getFromTurn()) : "");
      }
    }
  }

  /** " Event: TITLE - NARRATIVE". */
  void event(PrintStream out, EventView e) {
    out.println(
        "  "
            + texts.say("view.event", e.getTitle())
            + (e.getNarrative().isEmpty() ? "" : " - " + e.getNarrative()));
  }

  void standings(PrintStream out, List<Standing> standings) {
    if (standings.isEmpty()) {
      return;
    }
    out.println("  " + texts.say("view.standings"));
    for (Standing s : standings) {
      out.printf(
          Locale.ROOT,
          "    %2d. %-20s %s %10s%s%n",
          s.getRank(),
          s.getName(),
          texts.say("view.results"),
          num(s.getResults()),
          s.getScore() != 0 ? "  " + texts.say("view.score") + " " + num(s.getScore()) : "");
    }
  }

  void quarter(PrintStream out, QuarterClosed q) {
    out.println(texts.say("view.quarter-closed", q.getQuarter()));
    if (q.getTarget() > 0 || q.getResults() > 0) {
      out.println(
          "  "
              + texts.say(
                  q.getTargetMet() ? "view.target-met" : "view.target-missed",
                  num(q.getResults()),
                  num(q.getTarget())));
    }
    standings(out, q.getStandingsList());
  }

  void ended(PrintStream out, SessionEnded ended) {
    out.println(texts.say("view.game-over"));
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
      out.println("  " + texts.say("view.debrief"));
      ended.getDebriefList().forEach(line -> out.println("    - " + line));
    }
  }

  void lobby(PrintStream out, LobbyUpdate lobby) {
    for (LobbySeat s : lobby.getSeatsList()) {
      String who =
          !s.getDisplayName().isEmpty()
              ? s.getDisplayName()
                  + (s.getConnected() ? "" : " (" + texts.say("view.disconnected") + ")")
              : s.getBot()
                  ? texts.say("view.bot") + " " + s.getBotStrategy()
                  : texts.say("view.empty-seat");
      out.println("    " + texts.say("view.team", s.getTeam() + 1) + hat(s.getHat()) + ": " + who);
    }
  }

  /** " leader", " manager" or "" for a seat that wears both hats. */
  String hat(org.quarterdeck.protocol.v1.Hat hat) {
    return switch (hat) {
      case LEADER -> " " + texts.say("view.leader");
      case MANAGER -> " " + texts.say("view.manager");
      default -> "";
    };
  }

  static int humans(LobbyUpdate lobby) {
    return (int) lobby.getSeatsList().stream().filter(s -> !s.getDisplayName().isEmpty()).count();
  }

  /** A server's refusal in one line; UNAVAILABLE says plainly that the server lacks it. */
  String refusal(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null
        && !(t instanceof ServerReplyException)
        && !(t instanceof ClientTls.HandshakeRefused)
        && !(t instanceof ClientTls.TrustFileRefused)) {
      t = t.getCause();
    }
    if (t instanceof ClientTls.HandshakeRefused h) {
      return texts.say(
          "tls." + h.trouble().name().toLowerCase(Locale.ROOT).replace('_', '-'),
          h.server(),
          h.detail(),
          h.trusted());
    }
    if (t instanceof ClientTls.TrustFileRefused f) {
      return texts.say(
          "tls." + f.trouble().name().toLowerCase(Locale.ROOT).replace('_', '-'),
          f.file(),
          f.detail());
    }
    if (t instanceof QuarterdeckClient.UnsupportedAddress a) {
      return texts.say("view.unsupported-address", a.address());
    }
    if (t instanceof ServerReplyException e) {
      if (e.error().getCode() == ErrorCode.UNAVAILABLE) {
        return texts.say("view.unavailable", e.error().getMessage());
      }
      return texts.say("view.refused", e.error().getCode(), e.error().getMessage());
    }
    if (t instanceof java.net.ConnectException
        || t instanceof java.nio.channels.ClosedChannelException) {
      return texts.say(
          "view.unreachable",
          t.getMessage() == null ? texts.say("view.connection-closed") : t.getMessage());
    }
    if (t instanceof java.util.concurrent.TimeoutException) {
      return texts.say("view.no-answer", t.getMessage());
    }
    return texts.say("view.failed", t);
  }
}

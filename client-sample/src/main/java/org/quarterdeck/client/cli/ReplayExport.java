package org.quarterdeck.client.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintStream;
import java.util.Locale;
import org.quarterdeck.protocol.v1.Replay;
import org.quarterdeck.protocol.v1.ReplayFrame;
import org.quarterdeck.protocol.v1.TeamDecision;
import org.quarterdeck.protocol.v1.TurnReport;
import org.quarterdeck.protocol.v1.VariableChange;

/** Renders a replay: a short summary, or an export as CSV (one row per change) or JSON. */
final class ReplayExport {
  /** The facilitator's replay summary is English for now: its wording is not in the bundles. */
  private static final Views ENGLISH = Views.english();

  private ReplayExport() {}

  static void summary(PrintStream out, Replay replay) {
    out.println("Replay of " + replay.getSessionId() + ": " + replay.getFramesCount() + " turn(s)");
    for (ReplayFrame f : replay.getFramesList()) {
      out.println(
          "  turn "
              + f.getTurn()
              + ": "
              + f.getDecisionsCount()
              + " decision(s), "
              + f.getEventsCount()
              + " event(s), state "
              + abbreviate(f.getStateHash()));
      for (TeamDecision d : f.getDecisionsList()) {
        double hours = d.getDecision().getHoursList().stream().mapToDouble(h -> h.getHours()).sum();
        out.println(
            "    team "
                + (d.getTeam() + 1)
                + ENGLISH.hat(d.getHat())
                + ": "
                + ENGLISH.hours(hours)
                + " h"
                + (d.getDefaulted() ? " (default)" : ""));
      }
    }
  }

  static String render(Replay replay, String format) {
    if (format.equals("json")) {
      try {
        return JsonFormat.printer().print(replay) + System.lineSeparator();
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("a replay that cannot be printed as JSON", e);
      }
    }
    StringBuilder csv = new StringBuilder("turn,team,variable,before,after,delta\n");
    for (ReplayFrame f : replay.getFramesList()) {
      for (TurnReport r : f.getReportsList()) {
        for (VariableChange c : r.getChangesList()) {
          csv.append(
              String.format(
                  Locale.ROOT,
                  "%d,%d,%s,%s,%s,%s%n",
                  f.getTurn(),
                  r.getTeam() + 1,
                  c.getName(),
                  c.getBefore(),
                  c.getAfter(),
                  c.getAfter() - c.getBefore()));
        }
      }
    }
    return csv.toString();
  }

  private static String abbreviate(String hash) {
    return hash.length() > 12 ? hash.substring(0, 12) : hash;
  }
}

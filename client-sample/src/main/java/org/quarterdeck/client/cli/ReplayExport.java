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
  private ReplayExport() {}

  /** The facilitator's summary of a replay, in the language of {@code texts}. */
  static void summary(PrintStream out, Replay replay, Views views, Texts texts) {
    out.println(texts.say("replay.summary", replay.getSessionId(), replay.getFramesCount()));
    for (ReplayFrame f : replay.getFramesList()) {
      out.println(
          texts.say(
              "replay.turn",
              f.getTurn(),
              f.getDecisionsCount(),
              f.getEventsCount(),
              abbreviate(f.getStateHash())));
      for (TeamDecision d : f.getDecisionsList()) {
        double hours = d.getDecision().getHoursList().stream().mapToDouble(h -> h.getHours()).sum();
        out.println(
            texts.say(
                "replay.team",
                d.getTeam() + 1,
                views.hat(d.getHat()),
                views.hours(hours),
                d.getDefaulted() ? texts.say("replay.defaulted") : ""));
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

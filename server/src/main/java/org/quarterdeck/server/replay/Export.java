package org.quarterdeck.server.replay;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.Replay;
import org.quarterdeck.protocol.v1.ReplayFrame;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.TeamDecision;
import org.quarterdeck.protocol.v1.TeamView;
import org.quarterdeck.protocol.v1.Variable;
import org.quarterdeck.server.engine.Act;
import org.quarterdeck.server.engine.Var;
import org.quarterdeck.server.wire.WireMapping;

/** A session's replay as CSV (one row per team per turn) or JSON (everything). */
public final class Export {
  private static final Gson PRETTY =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  private Export() {}

  /**
   * Columns: session, turn, team, team name, whether the team defaulted, every state variable after
   * the turn, the hours booked on every act, and the events that hit the team.
   */
  public static String csv(String sessionId, List<ReplayFrame> frames, List<Act> acts) {
    StringBuilder out = new StringBuilder();
    out.append("session_id,turn,team,team_name,defaulted");
    for (Var v : Var.values()) {
      out.append(',').append(WireMapping.varName(v));
    }
    for (Act a : acts) {
      out.append(",hours_").append(a.id());
    }
    out.append(",events\n");
    for (ReplayFrame f : frames) {
      for (TeamView team : f.getTeamsList()) {
        int t = team.getTeam();
        boolean defaulted =
            f.getDecisionsList().stream().anyMatch(d -> d.getTeam() == t && d.getDefaulted());
        out.append(cell(sessionId))
            .append(',')
            .append(f.getTurn())
            .append(',')
            .append(t)
            .append(',')
            .append(cell(team.getName()))
            .append(',')
            .append(defaulted);
        for (Var v : Var.values()) {
          String name = WireMapping.varName(v);
          double value =
              team.getVariablesList().stream()
                  .filter(x -> x.getName().equals(name))
                  .mapToDouble(Variable::getValue)
                  .findFirst()
                  .orElse(Double.NaN);
          out.append(',').append(number(value));
        }
        for (Act a : acts) {
          double hours = 0;
          for (TeamDecision d : f.getDecisionsList()) {
            if (d.getTeam() == t) {
              for (ActHours h : d.getDecision().getHoursList()) {
                hours += h.getAct().equals(a.id()) ? h.getHours() : 0;
              }
            }
          }
          out.append(',').append(number(hours));
        }
        String events =
            f.getReportsList().stream()
                .filter(r -> r.getTeam() == t)
                .flatMap(r -> r.getEventsList().stream())
                .map(e -> e.getTitle())
                .collect(Collectors.joining("; "));
        out.append(',').append(cell(events)).append('\n');
      }
    }
    return out.toString();
  }

  /** The frames and every record of the log (tokens appear only as hashes in it). */
  public static String json(
      String sessionId, List<ReplayFrame> frames, List<SessionRecord> records) {
    // Each message prints itself (the proto3 JSON mapping); Gson only assembles the document.
    JsonFormat.Printer printer = JsonFormat.printer();
    try {
      JsonObject export = new JsonObject();
      export.add(
          "replay",
          JsonParser.parseString(
              printer.print(Replay.newBuilder().setSessionId(sessionId).addAllFrames(frames))));
      JsonArray recorded = new JsonArray(records.size());
      for (SessionRecord record : records) {
        recorded.add(JsonParser.parseString(printer.print(record)));
      }
      export.add("records", recorded);
      return PRETTY.toJson(export) + "\n";
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("session messages always print as JSON", e);
    }
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }

  private static String cell(String text) {
    if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
      return '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }
}

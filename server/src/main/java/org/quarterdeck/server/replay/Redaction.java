package org.quarterdeck.server.replay;

import java.util.List;
import org.quarterdeck.protocol.v1.ReplayFrame;

/** What a replay shows to whom: the facilitator sees all, a player only their own team. */
public final class Redaction {
  private Redaction() {}

  /** Frames as a player of {@code team} may see them; -1 (spectators) keeps only public parts. */
  public static List<ReplayFrame> forTeam(List<ReplayFrame> frames, int team) {
    return frames.stream()
        .map(
            f ->
                ReplayFrame.newBuilder()
                    .setTurn(f.getTurn())
                    .setStateHash(f.getStateHash())
                    .addAllDecisions(
                        f.getDecisionsList().stream().filter(d -> d.getTeam() == team).toList())
                    .addAllTeams(
                        f.getTeamsList().stream().filter(t -> t.getTeam() == team).toList())
                    .addAllReports(
                        f.getReportsList().stream().filter(r -> r.getTeam() == team).toList())
                    .addAllEvents(
                        team < 0
                            ? List.of()
                            : f.getReportsList().stream()
                                .filter(r -> r.getTeam() == team)
                                .flatMap(r -> r.getEventsList().stream())
                                .toList())
                    .build())
        .toList();
  }
}

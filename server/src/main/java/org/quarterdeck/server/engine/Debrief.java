package org.quarterdeck.server.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * End-of-game summary for the facilitator's debrief: standings by score (ties by team order) and a
 * few plain-language lines per team connecting its numbers to the lesson.
 */
public record Debrief(String lesson, List<TeamScore> standings, List<TeamSummary> teams) {

  public Debrief {
    standings = List.copyOf(standings);
    teams = List.copyOf(teams);
  }

  /** Highlights of one team. */
  public record TeamSummary(String teamId, List<String> lines) {
    public TeamSummary {
      lines = List.copyOf(lines);
    }
  }

  static Debrief of(Game g) {
    List<TeamScore> scores = g.finalScores();
    List<TeamScore> standings = new ArrayList<>(scores);
    standings.sort(Comparator.comparingDouble(TeamScore::score).reversed());
    List<TeamSummary> teams = new ArrayList<>();
    for (TeamScore f : scores) {
      List<String> lines = new ArrayList<>();
      StringBuilder q = new StringBuilder("Quarters vs target:");
      int misses = 0;
      for (QuarterResult r : f.quarters()) {
        q.append(" Q")
            .append(r.quarter())
            .append(' ')
            .append(FixedPoint.of(100 * r.results() / r.target(), 0))
            .append('%');
        misses += r.hit() ? 0 : 1;
      }
      lines.add(q.toString());
      // the numbers as String.format(Locale.US, "%.1f") and "%.0f" print them (FixedPoint)
      lines.add(
          "Score "
              + FixedPoint.of(f.score(), 1)
              + "; end morale "
              + FixedPoint.of(100 * f.morale(), 0)
              + ", capability "
              + FixedPoint.of(100 * f.capability(), 0)
              + ", adoption "
              + FixedPoint.of(100 * f.adoption(), 0)
              + "%, integrity "
              + FixedPoint.of(100 * f.integrity(), 0)
              + "; "
              + misses
              + " target(s) missed.");
      List<QuarterResult> qs = f.quarters();
      if (qs.size() >= 2) {
        QuarterResult first = qs.get(0);
        QuarterResult last = qs.get(qs.size() - 1);
        double a = first.results() / first.target();
        double b = last.results() / last.target();
        if (a > b + 0.05) {
          lines.add("Strong start, weaker finish: the early numbers were paid for later.");
        } else if (b > a + 0.05) {
          lines.add("Slow start, stronger finish: time spent leading paid off with delay.");
        }
      }
      teams.add(new TeamSummary(f.teamId(), lines));
    }
    return new Debrief(g.rules.scenario.getLesson(), standings, teams);
  }
}

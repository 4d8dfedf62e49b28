package org.quarterdeck.server.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

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

  /**
   * The locale of the numbers. US and ROOT print these patterns alike (ASCII digits, '.', no
   * grouping), but a formatter in any locale other than US looks up its decimal symbols for every
   * number it prints, which made the debrief most of the CPU time of a session's last turn close.
   */
  private static final Locale NUMBERS = Locale.US;

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
        // integers appended as they are (what %d prints in Locale.US): only the doubles need a
        // formatter, which parses its pattern on every call
        q.append(" Q")
            .append(r.quarter())
            .append(' ')
            .append(String.format(NUMBERS, "%.0f", 100 * r.results() / r.target()))
            .append('%');
        misses += r.hit() ? 0 : 1;
      }
      lines.add(q.toString());
      String endState =
          String.format(
              NUMBERS,
              "Score %.1f; end morale %.0f, capability %.0f, adoption %.0f%%, integrity %.0f;",
              f.score(),
              100 * f.morale(),
              100 * f.capability(),
              100 * f.adoption(),
              100 * f.integrity());
      lines.add(endState + " " + misses + " target(s) missed.");
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

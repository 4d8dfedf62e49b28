package org.quarterdeck.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The result of resolving one turn: the next game and, on demand, one explained {@link TeamReport}
 * per team. Reports are built lazily so resolving stays cheap when nobody reads them (bots,
 * tournaments, benchmarks).
 */
public final class TurnOutcome {
  private final Game before;
  private final Game next;
  private final AcceptedDecision[] bySeat;
  private final AttributionLedger log;
  private final int[][] events;
  private final List<AcceptedInjection> injections;
  private final int[][] chosen;
  private final QuarterResult[] closed;

  TurnOutcome(
      Game before,
      Game next,
      AcceptedDecision[] bySeat,
      AttributionLedger log,
      int[][] events,
      List<AcceptedInjection> injections,
      int[][] chosen,
      QuarterResult[] closed) {
    this.before = before;
    this.next = next;
    this.bySeat = bySeat;
    this.log = log;
    this.events = events;
    this.injections = List.copyOf(injections);
    this.chosen = chosen;
    this.closed = closed;
  }

  /** The game after this turn (its open turn is the next one). */
  public Game next() {
    return next;
  }

  /** The turn that was resolved. */
  public int turn() {
    return before.turn;
  }

  /** Quarter results of every team if this turn closed a quarter, in session order. */
  public Optional<List<QuarterResult>> quarterClosed() {
    return closed == null ? Optional.empty() : Optional.of(List.of(closed));
  }

  /** True if this was the last turn. */
  public boolean isGameOver() {
    return next.isOver();
  }

  /** The decisions the turn was resolved with (defaults included), seat by seat. */
  public List<AcceptedDecision> decisions() {
    return List.of(bySeat);
  }

  /** The report of one team. */
  public TeamReport report(String teamId) {
    return report(next.team(teamId).index);
  }

  /** Reports of every team, in session order. */
  public List<TeamReport> reports() {
    List<TeamReport> out = new ArrayList<>();
    for (int i = 0; i < next.teams.length; i++) {
      out.add(report(i));
    }
    return out;
  }

  /**
   * Writes the report of one team (session order) to {@code out}: what {@link #reports()} says of
   * it, without building it as objects.
   */
  public void explain(int i, ReportWriter out) {
    Rules r = before.rules;
    int hats = r.hats().size();
    boolean defaulted = false;
    for (int h = 0; h < hats; h++) {
      defaulted |= bySeat[i * hats + h].defaulted;
    }
    out.begin(before.turn, defaulted);
    log.explain(i, r, before.teams[i], next.teams[i], out);
    for (int e : events[i]) {
      EventCard c = r.events().get(e);
      out.event(c.id(), c.title(), c.narrative(), false);
    }
    for (AcceptedInjection inj : injections) {
      if (inj.teams[i]) {
        String id = inj.eventIndex >= 0 ? r.events().get(inj.eventIndex).id() : null;
        out.event(id, inj.title, inj.narrative, true);
      }
    }
  }

  /** Teams in this outcome (session order). */
  public int teamCount() {
    return next.teams.length;
  }

  private TeamReport report(int i) {
    Rules r = before.rules;
    TeamState was = before.teams[i];
    TeamState now = next.teams[i];
    int hats = r.hats().size();
    List<Seat> defaulted = new ArrayList<>();
    for (int h = 0; h < hats; h++) {
      if (bySeat[i * hats + h].defaulted) {
        defaulted.add(bySeat[i * hats + h].seat);
      }
    }
    List<TeamReport.EventNote> notes = new ArrayList<>();
    for (int e : events[i]) {
      EventCard c = r.events().get(e);
      notes.add(new TeamReport.EventNote(c.id(), c.title(), c.narrative(), false));
    }
    for (AcceptedInjection inj : injections) {
      if (inj.teams[i]) {
        String id = inj.eventIndex >= 0 ? r.events().get(inj.eventIndex).id() : null;
        notes.add(new TeamReport.EventNote(id, inj.title, inj.narrative, true));
      }
    }
    List<TeamReport.DilemmaChoice> choices = new ArrayList<>();
    int[] open = r.dilemmasByTurn[before.turn];
    for (int k = 0; k < open.length; k++) {
      Dilemma dil = r.dilemmas().get(open[k]);
      boolean dflt = bySeat[i * hats].choices[open[k]] < 0;
      choices.add(
          new TeamReport.DilemmaChoice(dil.id(), dil.options().get(chosen[i][k]).id(), dflt));
    }
    List<VariableDelta> changes = new ArrayList<>();
    List<Attribution>[] byVar = log.contributions(i, r);
    for (Var var : Var.ALL) {
      double a = was.values[var.ordinal()];
      double b = now.values[var.ordinal()];
      List<Attribution> cs = byVar[var.ordinal()];
      if (a != b || (cs != null && !cs.isEmpty())) {
        changes.add(new VariableDelta(var, a, b, before.turn, cs == null ? List.of() : cs));
      }
    }
    return new TeamReport(
        was.id,
        before.turn,
        defaulted,
        notes,
        choices,
        changes,
        closed == null ? Optional.empty() : Optional.of(closed[i]));
  }
}

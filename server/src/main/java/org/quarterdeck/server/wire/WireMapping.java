package org.quarterdeck.server.wire;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.Contribution;
import org.quarterdeck.protocol.v1.DilemmaChoice;
import org.quarterdeck.protocol.v1.DilemmaOptionView;
import org.quarterdeck.protocol.v1.DilemmaView;
import org.quarterdeck.protocol.v1.EventView;
import org.quarterdeck.protocol.v1.Hat;
import org.quarterdeck.protocol.v1.Mode;
import org.quarterdeck.protocol.v1.TeamView;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.TurnReport;
import org.quarterdeck.protocol.v1.Variable;
import org.quarterdeck.protocol.v1.VariableChange;
import org.quarterdeck.server.engine.Act;
import org.quarterdeck.server.engine.ActCategory;
import org.quarterdeck.server.engine.Dilemma;
import org.quarterdeck.server.engine.EventCard;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.engine.SeatDecision;
import org.quarterdeck.server.engine.TeamReport;
import org.quarterdeck.server.engine.TeamState;
import org.quarterdeck.server.engine.TurnOpening;
import org.quarterdeck.server.engine.Var;

/** Translations between the engine's records and the wire's messages. No policy lives here. */
public final class WireMapping {
  private WireMapping() {}

  public static Hat hat(org.quarterdeck.server.engine.SeatHat hat) {
    return switch (hat) {
      case BOTH -> Hat.BOTH;
      case LEADER -> Hat.LEADER;
      case MANAGER -> Hat.MANAGER;
    };
  }

  /** The engine's hat for a wire hat; HAT_UNSPECIFIED means BOTH. */
  public static org.quarterdeck.server.engine.SeatHat hat(Hat hat) {
    return switch (hat) {
      case LEADER -> org.quarterdeck.server.engine.SeatHat.LEADER;
      case MANAGER -> org.quarterdeck.server.engine.SeatHat.MANAGER;
      case BOTH, HAT_UNSPECIFIED, UNRECOGNIZED -> org.quarterdeck.server.engine.SeatHat.BOTH;
    };
  }

  public static Mode mode(org.quarterdeck.server.engine.MultiplayerMode mode) {
    return switch (mode) {
      case MARKET -> Mode.MARKET;
      case COMPANY -> Mode.COMPANY;
      case TWO_HATS -> Mode.TWO_HATS;
    };
  }

  private static final String[] VAR_NAMES =
      java.util.Arrays.stream(Var.values())
          .map(v -> v.name().toLowerCase(Locale.ROOT))
          .toArray(String[]::new);

  public static String varName(Var var) {
    return VAR_NAMES[var.ordinal()];
  }

  /** The variable called {@code name} on the wire ("morale", "boss_confidence"), or null. */
  public static Var var(String name) {
    for (Var v : Var.values()) {
      if (varName(v).equals(name)) {
        return v;
      }
    }
    return null;
  }

  /** Results over the game so far: closed quarters plus the running quarter. */
  public static double resultsToDate(TeamState team) {
    double results = team.get(Var.RESULTS);
    for (int q = 0; q < team.quartersClosed(); q++) {
      results += team.quarterResult(q);
    }
    return results;
  }

  /** A team's results to date and each closed quarter's results and target. */
  public static TeamView.Builder quarters(TeamView.Builder view, TeamState team) {
    view.setResultsToDate(resultsToDate(team));
    for (int q = 0; q < team.quartersClosed(); q++) {
      view.addQuarterResults(team.quarterResult(q)).addQuarterTargets(team.quarterTarget(q));
    }
    return view;
  }

  public static List<Variable> variables(TeamState team) {
    return java.util.Arrays.asList(variables(team, null));
  }

  /**
   * A team's variables, reusing each message of {@code previous} (the same team's last view, or
   * null) whose value has not changed: the message is immutable and its bytes would be the same.
   */
  public static Variable[] variables(TeamState team, Variable[] previous) {
    return variables(team, previous, null);
  }

  /**
   * As {@link #variables(TeamState, Variable[])}, building changed variables with {@code builders}
   * (one per variable, filled in here on first use, for one thread): each keeps its variable's name
   * and label, whose UTF-8 protobuf would otherwise check again every time they are set.
   */
  public static Variable[] variables(
      TeamState team, Variable[] previous, Variable.Builder[] builders) {
    Variable[] out = new Variable[Var.COUNT];
    for (int i = 0; i < Var.COUNT; i++) {
      Var v = VARS[i];
      double value = team.get(v);
      Variable last = previous == null ? null : previous[i];
      if (last != null
          && Double.doubleToRawLongBits(last.getValue()) == Double.doubleToRawLongBits(value)) {
        out[i] = last;
        continue;
      }
      Variable.Builder b = builders == null ? null : builders[i];
      if (b == null) {
        b = Variable.newBuilder().setNameBytes(VAR_NAME_BYTES[i]).setLabelBytes(VAR_LABEL_BYTES[i]);
        if (builders != null) {
          builders[i] = b;
        }
      }
      out[i] = b.setValue(value).build();
    }
    return out;
  }

  private static final Var[] VARS = Var.values();

  public static SeatDecision decision(
      Seat seat, int turn, org.quarterdeck.protocol.v1.Decision wire) {
    SeatDecision.Builder b = SeatDecision.builder(seat, turn);
    for (ActHours h : wire.getHoursList()) {
      b.hours(h.getAct(), h.getHours());
    }
    for (DilemmaChoice c : wire.getChoicesList()) {
      b.choose(c.getDilemma(), c.getOption());
    }
    return b.build();
  }

  public static org.quarterdeck.protocol.v1.Decision decision(SeatDecision engine) {
    org.quarterdeck.protocol.v1.Decision.Builder b =
        org.quarterdeck.protocol.v1.Decision.newBuilder();
    engine.hours().forEach((act, h) -> b.addHours(ActHours.newBuilder().setAct(act).setHours(h)));
    engine
        .choices()
        .forEach((d, o) -> b.addChoices(DilemmaChoice.newBuilder().setDilemma(d).setOption(o)));
    return b.build();
  }

  /** An engine-made decision (a default) as the wire shows it: acts with hours only. */
  public static org.quarterdeck.protocol.v1.Decision decision(
      org.quarterdeck.server.engine.AcceptedDecision d, org.quarterdeck.server.engine.Game game) {
    org.quarterdeck.protocol.v1.Decision.Builder b =
        org.quarterdeck.protocol.v1.Decision.newBuilder();
    List<Act> acts = game.rules().acts();
    for (int i = 0; i < acts.size(); i++) {
      if (d.hours(i) > 0) {
        b.addHours(ActHours.newBuilder().setAct(acts.get(i).id()).setHours(d.hours(i)));
      }
    }
    return b.build();
  }

  /**
   * A facilitator's event for the engine, naming teams by their ids.
   *
   * @throws IllegalArgumentException for a team index out of range, an unknown variable, or an
   *     event with neither a deck card nor a custom part
   */
  public static org.quarterdeck.server.engine.InjectedEvent injectedEvent(
      org.quarterdeck.protocol.v1.InjectEvent e, List<String> teamIds) {
    List<String> teams = new java.util.ArrayList<>();
    for (int t : e.getTeamsList()) {
      if (t < 0 || t >= teamIds.size()) {
        throw new IllegalArgumentException("no team " + t);
      }
      teams.add(teamIds.get(t));
    }
    if (e.hasCustom()) {
      List<org.quarterdeck.server.engine.InjectedEvent.CustomEffect> effects =
          new java.util.ArrayList<>();
      for (Variable v : e.getCustom().getEffectsList()) {
        Var var = var(v.getName());
        if (var == null) {
          throw new IllegalArgumentException("no variable '" + v.getName() + "'");
        }
        effects.add(
            new org.quarterdeck.server.engine.InjectedEvent.CustomEffect(var, v.getValue()));
      }
      return org.quarterdeck.server.engine.InjectedEvent.custom(
          e.getCustom().getTitle(), e.getCustom().getNarrative(), effects, teams);
    }
    if (e.getDeckEvent().isEmpty()) {
      throw new IllegalArgumentException("inject needs deck_event or custom");
    }
    return org.quarterdeck.server.engine.InjectedEvent.fromDeck(e.getDeckEvent(), teams);
  }

  public static EventView event(EventCard card) {
    return EventView.newBuilder()
        .setIdBytes(LABELS.bytes(card.id()))
        .setTitleBytes(LABELS.bytes(card.title()))
        .setNarrativeBytes(LABELS.bytes(card.narrative()))
        .build();
  }

  /** An act as players see it; the same act's view is built once (every opening lists it). */
  public static ActView act(Act act) {
    ActView view = ACTS.get(act);
    if (view == null) {
      view =
          ActView.newBuilder()
              .setIdBytes(LABELS.bytes(act.id()))
              .setNameBytes(LABELS.bytes(act.name()))
              .setDescriptionBytes(LABELS.bytes(act.description()))
              .setLeadership(act.kind() == ActCategory.LEADERSHIP)
              .setAimsAtBytes(
                  act.aimsAt() == null ? ByteString.EMPTY : VAR_NAME_BYTES[act.aimsAt().ordinal()])
              .build();
      if (ACTS.size() < 4096) { // scenarios a facilitator loads add acts: keep a bound
        ACTS.putIfAbsent(act, view);
      }
    }
    return view;
  }

  private static final java.util.concurrent.ConcurrentHashMap<Act, ActView> ACTS =
      new java.util.concurrent.ConcurrentHashMap<>();

  public static DilemmaView dilemma(Dilemma d) {
    DilemmaView.Builder b =
        DilemmaView.newBuilder()
            .setIdBytes(LABELS.bytes(d.id()))
            .setTextBytes(LABELS.bytes(d.text()));
    d.options()
        .forEach(
            o ->
                b.addOptions(
                    DilemmaOptionView.newBuilder()
                        .setIdBytes(LABELS.bytes(o.id()))
                        .setTextBytes(LABELS.bytes(o.text()))));
    return b.build();
  }

  public static TurnOpened.Builder opening(TurnOpening o) {
    return opening(o, acts(o));
  }

  /** The views of the acts an opening offers, in its order. */
  public static List<ActView> acts(TurnOpening o) {
    List<ActView> views = new ArrayList<>(o.acts().size());
    for (Act a : o.acts()) {
      views.add(act(a));
    }
    return List.copyOf(views);
  }

  /**
   * An opening with act views built before ({@link #acts}): a session's seats of one hat are
   * offered the same acts every turn, so their views need not be looked up again each opening.
   */
  public static TurnOpened.Builder opening(TurnOpening o, List<ActView> acts) {
    TurnOpened.Builder b =
        TurnOpened.newBuilder()
            .setTurn(o.turn())
            .setQuarter(o.quarter())
            .setBudgetHours(o.budgetHours())
            .setInterruptionHours(o.interruptionHours())
            .setFreeHours(o.freeHours())
            .setMaxOvertimeHours(o.maxOvertimeHours())
            .setTurnInQuarter(o.turnInQuarter())
            .setTurnsPerQuarter(o.turnsPerQuarter());
    b.addAllActs(acts);
    o.events().forEach(e -> b.addEvents(event(e)));
    o.dilemmas().forEach(d -> b.addDilemmas(dilemma(d)));
    return b;
  }

  public static TurnReport report(TeamReport r, int teamIndex) {
    return reportBuilder(r, teamIndex).build();
  }

  /**
   * A team's report, still open for the caller to add to (the session adds the team's decision):
   * building it and copying it with {@code toBuilder()} cost as much as building it.
   */
  public static TurnReport.Builder reportBuilder(TeamReport r, int teamIndex) {
    TurnReport.Builder b =
        TurnReport.newBuilder()
            .setTurn(r.turn())
            .setTeam(teamIndex)
            .setDefaulted(!r.defaultedSeats().isEmpty());
    for (org.quarterdeck.server.engine.VariableDelta c : r.changes()) {
      int v = c.var().ordinal();
      VariableChange.Builder vc =
          VariableChange.newBuilder()
              .setNameBytes(VAR_NAME_BYTES[v])
              .setLabelBytes(VAR_LABEL_BYTES[v])
              .setBefore(c.before())
              .setAfter(c.after());
      for (org.quarterdeck.server.engine.Attribution k : c.contributions()) {
        vc.addContributions(
            Contribution.newBuilder()
                .setLabelBytes(LABELS.bytes(k.label()))
                .setDelta(k.amount())
                .setFromTurn(k.originTurn() == r.turn() ? 0 : k.originTurn())
                .build());
      }
      b.addChanges(vc.build());
    }
    for (TeamReport.EventNote e : r.events()) {
      EventView.Builder event = EventView.newBuilder().setInjected(e.injected());
      if (e.injected()) { // a facilitator's own text: not worth a place in the table
        event
            .setId(e.eventId() == null ? "" : e.eventId())
            .setTitle(e.title())
            .setNarrative(e.narrative());
      } else {
        event
            .setIdBytes(e.eventId() == null ? ByteString.EMPTY : LABELS.bytes(e.eventId()))
            .setTitleBytes(LABELS.bytes(e.title()))
            .setNarrativeBytes(LABELS.bytes(e.narrative()));
      }
      b.addEvents(event.build());
    }
    return b;
  }

  static ByteString varNameBytes(Var var) {
    return VAR_NAME_BYTES[var.ordinal()];
  }

  static ByteString varLabelBytes(Var var) {
    return VAR_LABEL_BYTES[var.ordinal()];
  }

  static ByteString labelBytes(String label) {
    return LABELS.bytes(label);
  }

  private static final ByteString[] VAR_NAME_BYTES =
      java.util.Arrays.stream(VAR_NAMES).map(ByteString::copyFromUtf8).toArray(ByteString[]::new);

  private static final ByteString[] VAR_LABEL_BYTES =
      java.util.Arrays.stream(Var.values())
          .map(v -> ByteString.copyFromUtf8(v.label()))
          .toArray(ByteString[]::new);

  /**
   * Every report carries the same few hundred labels turn after turn; a message holding a label's
   * UTF-8 bytes is serialized without encoding the text again (it is serialized twice: for the
   * player and for the reports a reconnecting player is sent).
   */
  private static final LabelBytes LABELS = new LabelBytes(4096);
}

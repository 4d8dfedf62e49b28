package org.quarterdeck.server.scenario;

import static java.util.Objects.requireNonNull;

import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.Contribution;
import org.quarterdeck.protocol.v1.DilemmaOptionView;
import org.quarterdeck.protocol.v1.DilemmaView;
import org.quarterdeck.protocol.v1.EventView;
import org.quarterdeck.protocol.v1.LiveView;
import org.quarterdeck.protocol.v1.Replay;
import org.quarterdeck.protocol.v1.ReplayFrame;
import org.quarterdeck.protocol.v1.Scenario;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionEnded;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.TurnReport;
import org.quarterdeck.protocol.v1.VariableChange;
import org.quarterdeck.protocol.v1.WhatIfResult;

/**
 * Rewrites the scenario texts of one outgoing message into a translation, looking each up by the id
 * the message carries (act, event, dilemma and option ids; a contribution's English label). Texts
 * it has no key for (a facilitator's custom event, a title the facilitator chose) stay.
 */
final class TranslatedMessages {
  private final ScenarioTranslation to;
  private final Scenario english;

  TranslatedMessages(ScenarioTranslation to, Scenario english) {
    this.to = requireNonNull(to, "to");
    this.english = requireNonNull(english, "english");
  }

  ServerMessage translate(ServerMessage m) {
    return switch (m.getBodyCase()) {
      case TURN_OPENED -> m.toBuilder().setTurnOpened(turn(m.getTurnOpened())).build();
      case TURN_RESOLVED ->
          m.toBuilder()
              .setTurnResolved(
                  m.getTurnResolved().toBuilder()
                      .setReport(report(m.getTurnResolved().getReport())))
              .build();
      case SNAPSHOT -> m.toBuilder().setSnapshot(snapshot(m.getSnapshot())).build();
      case JOINED ->
          m.getJoined().hasSnapshot()
              ? m.toBuilder()
                  .setJoined(
                      m.getJoined().toBuilder().setSnapshot(snapshot(m.getJoined().getSnapshot())))
                  .build()
              : m;
      case SESSION_ENDED -> m.toBuilder().setSessionEnded(ended(m.getSessionEnded())).build();
      case REPLAY -> m.toBuilder().setReplay(replay(m.getReplay())).build();
      case WHAT_IF_RESULT -> m.toBuilder().setWhatIfResult(whatIf(m.getWhatIfResult())).build();
      case LIVE_VIEW -> m.toBuilder().setLiveView(live(m.getLiveView())).build();
      default -> m;
    };
  }

  private String text(String key, String otherwise) {
    return to.text(key).orElse(otherwise);
  }

  /** A text the session may have replaced (a title of the facilitator's choice stays theirs). */
  private String ifScenarios(String shown, String key, String englishText) {
    return shown.equals(englishText) ? text(key, shown) : shown;
  }

  private ActView act(ActView a) {
    String key = "acts." + a.getId() + ".";
    return a.toBuilder()
        .setName(text(key + "name", a.getName()))
        .setDescription(text(key + "description", a.getDescription()))
        .build();
  }

  private EventView event(EventView e) {
    if (e.getId().isEmpty()) {
      return e; // a custom event: the facilitator's own words
    }
    String key = "events." + e.getId() + ".";
    return e.toBuilder()
        .setTitle(text(key + "title", e.getTitle()))
        .setNarrative(text(key + "narrative", e.getNarrative()))
        .build();
  }

  private DilemmaView dilemma(DilemmaView d) {
    String key = "dilemmas." + d.getId() + ".";
    DilemmaView.Builder b = d.toBuilder().setText(text(key + "text", d.getText())).clearOptions();
    for (DilemmaOptionView o : d.getOptionsList()) {
      b.addOptions(o.toBuilder().setText(text(key + "options." + o.getId(), o.getText())));
    }
    return b.build();
  }

  private TurnOpened turn(TurnOpened t) {
    TurnOpened.Builder b = t.toBuilder().clearActs().clearEvents().clearDilemmas();
    t.getActsList().forEach(a -> b.addActs(act(a)));
    t.getEventsList().forEach(e -> b.addEvents(event(e)));
    t.getDilemmasList().forEach(d -> b.addDilemmas(dilemma(d)));
    return b.build();
  }

  private TurnReport report(TurnReport r) {
    TurnReport.Builder b = r.toBuilder().clearChanges().clearEvents();
    for (VariableChange c : r.getChangesList()) {
      VariableChange.Builder vc = c.toBuilder().clearContributions();
      for (Contribution k : c.getContributionsList()) {
        vc.addContributions(k.toBuilder().setLabel(text("labels." + k.getLabel(), k.getLabel())));
      }
      b.addChanges(vc);
    }
    r.getEventsList().forEach(e -> b.addEvents(event(e)));
    return b.build();
  }

  private SessionEnded ended(SessionEnded e) {
    SessionEnded.Builder b = e.toBuilder().clearDebrief();
    for (String line : e.getDebriefList()) {
      b.addDebrief(line.equals(english.getLesson()) ? text("lesson", line) : line);
    }
    return b.build();
  }

  private Snapshot snapshot(Snapshot s) {
    Snapshot.Builder b =
        s.toBuilder()
            .setTitle(ifScenarios(s.getTitle(), "title", english.getTitle()))
            .setScenarioName(ifScenarios(s.getScenarioName(), "title", english.getTitle()))
            .setSummary(ifScenarios(s.getSummary(), "summary", english.getSummary()))
            .setLesson(ifScenarios(s.getLesson(), "lesson", english.getLesson()))
            .clearHistory()
            .clearDeck();
    if (s.hasOpenTurn()) {
      b.setOpenTurn(turn(s.getOpenTurn()));
    }
    if (s.hasEnded()) {
      b.setEnded(ended(s.getEnded()));
    }
    s.getHistoryList().forEach(r -> b.addHistory(report(r)));
    s.getDeckList().forEach(e -> b.addDeck(event(e)));
    return b.build();
  }

  private ReplayFrame frame(ReplayFrame f) {
    ReplayFrame.Builder b = f.toBuilder().clearEvents().clearReports();
    f.getEventsList().forEach(e -> b.addEvents(event(e)));
    f.getReportsList().forEach(r -> b.addReports(report(r)));
    return b.build();
  }

  private Replay replay(Replay r) {
    Replay.Builder b = r.toBuilder().clearFrames().clearActs().clearDilemmas();
    r.getFramesList().forEach(f -> b.addFrames(frame(f)));
    r.getActsList().forEach(a -> b.addActs(act(a)));
    r.getDilemmasList().forEach(d -> b.addDilemmas(dilemma(d)));
    return b.build();
  }

  private WhatIfResult whatIf(WhatIfResult w) {
    WhatIfResult.Builder b = w.toBuilder().clearActual().clearCounterfactual();
    w.getActualList().forEach(f -> b.addActual(frame(f)));
    w.getCounterfactualList().forEach(f -> b.addCounterfactual(frame(f)));
    return b.build();
  }

  private LiveView live(LiveView v) {
    LiveView.Builder b = v.toBuilder().clearEventHistory();
    v.getEventHistoryList().forEach(e -> b.addEventHistory(event(e)));
    return b.build();
  }
}

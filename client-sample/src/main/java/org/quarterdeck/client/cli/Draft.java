package org.quarterdeck.client.cli;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.DilemmaChoice;
import org.quarterdeck.protocol.v1.DilemmaOptionView;
import org.quarterdeck.protocol.v1.DilemmaView;
import org.quarterdeck.protocol.v1.Hat;
import org.quarterdeck.protocol.v1.TurnOpened;

/**
 * A seat's decision for the open turn as it is being typed. Every change is checked before it is
 * kept, the same way the server checks a decision: known acts, finite hours that are not negative,
 * acts the seat's hat may book, and a total within free hours plus overtime. A refused change
 * leaves the draft as it was, so the client never sends a decision the server would reject for its
 * budget.
 */
final class Draft {
  /** Rounding slack, the same the server allows. */
  private static final double EPSILON = 1e-9;

  private final TurnOpened turn;
  private final Hat hat;
  private final Map<String, Double> hours = new LinkedHashMap<>();
  private final Map<String, String> choices = new LinkedHashMap<>();

  /** Says the refusals in the player's language. */
  private final Texts texts;

  private final Views views;

  /** A change the draft refused; the message says why in words for the player. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  Draft(TurnOpened turn, Hat hat) {
    this(turn, hat, Texts.english());
  }

  Draft(TurnOpened turn, Hat hat, Texts texts) {
    this.turn = requireNonNull(turn, "turn");
    this.hat = requireNonNull(hat, "hat");
    this.texts = requireNonNull(texts, "texts");
    this.views = new Views(texts);
  }

  TurnOpened turn() {
    return turn;
  }

  /** The most hours the seat may book: free hours plus overtime. */
  double max() {
    return turn.getFreeHours() + turn.getMaxOvertimeHours();
  }

  double booked() {
    return hours.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  double hoursOn(String act) {
    return hours.getOrDefault(act, 0.0);
  }

  Map<String, String> choices() {
    return choices;
  }

  /**
   * Applies a line of {@code act=hours} assignments ({@code push=10 coach=8}; commas work too) all
   * together or not at all. An act set to 0 is removed.
   */
  void assign(List<String> words) throws Refused {
    Map<String, Double> next = new LinkedHashMap<>(hours);
    for (String word : words) {
      for (String part : word.split(",")) {
        if (part.isBlank()) {
          continue;
        }
        int eq = part.indexOf('=');
        if (eq <= 0) {
          throw new Refused(texts.say("draft.not-act-hours", part));
        }
        String act = part.substring(0, eq).strip();
        ActView view = act(act);
        double h = parseHours(act, part.substring(eq + 1).strip());
        if (h > 0 && !mayBook(view)) {
          throw new Refused(
              texts.say(
                  view.getLeadership() ? "draft.hat-leadership" : "draft.hat-management",
                  hat,
                  act));
        }
        if (h == 0) {
          next.remove(act);
        } else {
          next.put(act, h);
        }
      }
    }
    double total = next.values().stream().mapToDouble(Double::doubleValue).sum();
    if (total > max() + EPSILON) {
      throw new Refused(
          texts.say(
              "draft.over-budget",
              views.hours(total),
              views.hours(max()),
              views.hours(turn.getFreeHours()),
              views.hours(turn.getMaxOvertimeHours())));
    }
    hours.clear();
    hours.putAll(next);
  }

  void choose(String dilemmaId, String optionId) throws Refused {
    DilemmaView dilemma =
        turn.getDilemmasList().stream()
            .filter(d -> d.getId().equals(dilemmaId))
            .findFirst()
            .orElseThrow(
                () ->
                    new Refused(
                        turn.getDilemmasCount() == 0
                            ? texts.say("draft.no-dilemma", dilemmaId)
                            : texts.say(
                                "draft.no-dilemma-of",
                                dilemmaId,
                                turn.getDilemmasList().stream()
                                    .map(DilemmaView::getId)
                                    .collect(Collectors.joining(", ")))));
    if (hat == Hat.MANAGER) {
      throw new Refused(texts.say("draft.leader-answers"));
    }
    if (dilemma.getOptionsList().stream().noneMatch(o -> o.getId().equals(optionId))) {
      throw new Refused(
          texts.say(
              "draft.no-option",
              dilemmaId,
              optionId,
              dilemma.getOptionsList().stream()
                  .map(DilemmaOptionView::getId)
                  .collect(Collectors.joining(", "))));
    }
    choices.put(dilemmaId, optionId);
  }

  void clear() {
    hours.clear();
    choices.clear();
  }

  /** Takes a decision the server already holds (after a resume). */
  void load(Decision decision) {
    hours.clear();
    choices.clear();
    for (ActHours h : decision.getHoursList()) {
      if (h.getHours() > 0) {
        hours.merge(h.getAct(), h.getHours(), Double::sum);
      }
    }
    for (DilemmaChoice c : decision.getChoicesList()) {
      choices.put(c.getDilemma(), c.getOption());
    }
  }

  Decision toDecision() {
    Decision.Builder b = Decision.newBuilder();
    hours.forEach((act, h) -> b.addHours(ActHours.newBuilder().setAct(act).setHours(h)));
    choices.forEach((d, o) -> b.addChoices(DilemmaChoice.newBuilder().setDilemma(d).setOption(o)));
    return b.build();
  }

  boolean mayBook(ActView act) {
    return switch (hat) {
      case LEADER -> act.getLeadership();
      case MANAGER -> !act.getLeadership();
      default -> true;
    };
  }

  private ActView act(String id) throws Refused {
    for (ActView a : turn.getActsList()) {
      if (a.getId().equals(id)) {
        return a;
      }
    }
    throw new Refused(
        texts.say(
            "draft.unknown-act",
            id,
            turn.getActsList().stream().map(ActView::getId).collect(Collectors.joining(", "))));
  }

  private double parseHours(String act, String text) throws Refused {
    double h;
    try {
      h = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new Refused(texts.say("draft.not-a-number", act, text));
    }
    if (!Double.isFinite(h) || h < 0) {
      throw new Refused(texts.say("draft.negative", act, text));
    }
    return h;
  }
}

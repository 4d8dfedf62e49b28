package org.quarterdeck.server.wire;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.DilemmaChoice;

/**
 * The limits wire.proto sets on a decision as a message, checked entry by entry before the engine
 * sees it: the engine adds up the hours of an act named twice (wire.proto allows that), so a
 * negative second entry would hide in a positive sum; and it has no notion of list sizes.
 */
public final class DecisionShape {
  /** Entries in {@code hours} and in {@code choices}, as for every list of the protocol. */
  public static final int MAX_ENTRIES = 64;

  /** Characters of an act, dilemma or option id. */
  public static final int MAX_ID_CHARS = 200;

  private DecisionShape() {}

  /** What is wrong with a decision: the field path under {@code Decision} and a sentence. */
  public record Problem(String field, String message) {}

  /** The first problem of {@code decision}, or empty when its shape is fine. */
  public static Optional<Problem> check(Decision decision) {
    requireNonNull(decision, "decision");
    if (decision.getHoursCount() > MAX_ENTRIES) {
      return problem(
          "hours", "at most " + MAX_ENTRIES + " hour entries, got " + decision.getHoursCount());
    }
    if (decision.getChoicesCount() > MAX_ENTRIES) {
      return problem(
          "choices",
          "at most " + MAX_ENTRIES + " dilemma choices, got " + decision.getChoicesCount());
    }
    for (ActHours h : decision.getHoursList()) {
      if (h.getAct().length() > MAX_ID_CHARS) {
        return problem("hours", "an act id is at most " + MAX_ID_CHARS + " characters");
      }
      String field = "hours[" + h.getAct() + "]";
      if (!Double.isFinite(h.getHours())) {
        return problem(
            field, "hours on '" + h.getAct() + "' must be a finite number, got " + h.getHours());
      }
      if (h.getHours() < 0) {
        return problem(
            field, "hours on '" + h.getAct() + "' must not be negative, got " + h.getHours());
      }
    }
    Set<String> dilemmas = new HashSet<>();
    for (DilemmaChoice c : decision.getChoicesList()) {
      if (c.getDilemma().length() > MAX_ID_CHARS || c.getOption().length() > MAX_ID_CHARS) {
        return problem(
            "choices", "dilemma and option ids are at most " + MAX_ID_CHARS + " characters");
      }
      if (!dilemmas.add(c.getDilemma())) {
        return problem(
            "choices[" + c.getDilemma() + "]",
            "dilemma '" + c.getDilemma() + "' is answered twice; answer each dilemma once");
      }
    }
    return Optional.empty();
  }

  private static Optional<Problem> problem(String field, String message) {
    return Optional.of(new Problem(field, message));
  }
}

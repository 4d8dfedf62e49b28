package org.quarterdeck.server.engine;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Checks decisions and injected events against the open turn of a game, and builds default
 * decisions. Never changes anything and never clamps: a problem becomes a typed {@link Rejection}
 * naming the field.
 */
final class DecisionCheck {
  private final Game game;
  private final Rules rules;
  private final int turn;

  DecisionCheck(Game game) {
    this.game = game;
    this.rules = game.rules;
    this.turn = game.turn;
  }

  Verdict<AcceptedDecision> decision(SeatDecision decision) {
    requireNonNull(decision, "decision");
    if (game.isOver()) {
      return Verdict.reject(RejectionCode.GAME_OVER, "turn", "the game is over");
    }
    Seat seat = decision.seat();
    Integer team = game.teamIndex(seat.teamId());
    if (team == null) {
      return Verdict.reject(
          RejectionCode.UNKNOWN_TEAM,
          "seat.teamId",
          "no team '" + seat.teamId() + "' in this session");
    }
    int hatIdx = rules.hats().indexOf(seat.hat());
    if (hatIdx < 0) {
      return Verdict.reject(
          RejectionCode.WRONG_HAT,
          "seat.hat",
          "hat " + seat.hat() + " does not exist in " + rules.mode + " mode; use " + rules.hats());
    }
    if (decision.turn() != turn) {
      return Verdict.reject(
          RejectionCode.WRONG_TURN,
          "turn",
          "decision is for turn " + decision.turn() + " but turn " + turn + " is open");
    }
    double[] hours = new double[rules.acts().size()];
    double total = 0;
    for (Map.Entry<String, Double> e : decision.hours().entrySet()) {
      String act = e.getKey();
      int a = act == null ? -1 : rules.actIndex(act);
      if (a < 0) {
        return Verdict.reject(
            RejectionCode.UNKNOWN_ACT,
            hoursField(act),
            "no act '" + act + "' in scenario " + rules.id());
      }
      Double boxed = e.getValue();
      if (boxed == null || !Double.isFinite(boxed)) {
        return Verdict.reject(
            RejectionCode.NON_FINITE_HOURS,
            hoursField(act),
            "hours on '" + act + "' must be a finite number, got " + boxed);
      }
      double h = boxed;
      if (h < 0) {
        return Verdict.reject(
            RejectionCode.NEGATIVE_HOURS,
            hoursField(act),
            "hours on '" + act + "' must not be negative, got " + h);
      }
      if (h > 0 && !seat.hat().mayBook(rules.acts().get(a).kind())) {
        return Verdict.reject(
            RejectionCode.ACT_NOT_ALLOWED_FOR_HAT,
            hoursField(act),
            "the "
                + seat.hat()
                + " hat may not book "
                + rules.acts().get(a).kind()
                + " act '"
                + act
                + "'");
      }
      hours[a] += h;
      total += h;
    }
    // the opening's figures (TurnOpening#maxBookableHours), without building the whole opening
    double free = game.freeHours(game.teams[team], seat.hat());
    double overtime = rules.maxOvertimeHours();
    double bookable = free + overtime;
    if (total > bookable + 1e-9) {
      return Verdict.reject(
          RejectionCode.OVER_BUDGET,
          "hours",
          String.format(
              Locale.ROOT,
              "%.2f hours booked but only %.2f are available (%.2f free + %.2f overtime)",
              total,
              bookable,
              free,
              overtime));
    }
    int[] choices = new int[rules.dilemmas().size()];
    Arrays.fill(choices, -1);
    for (Map.Entry<String, String> e : decision.choices().entrySet()) {
      int d = e.getKey() == null ? -1 : rules.dilemmaIndex(e.getKey());
      if (d < 0 || rules.dilemmas().get(d).turn() != turn) {
        return Verdict.reject(
            RejectionCode.UNKNOWN_DILEMMA,
            choicesField(e.getKey()),
            "no dilemma '" + e.getKey() + "' is open in turn " + turn);
      }
      if (seat.hat() == SeatHat.MANAGER) {
        return Verdict.reject(
            RejectionCode.DILEMMA_NOT_FOR_HAT,
            choicesField(e.getKey()),
            "dilemmas are answered by the LEADER hat");
      }
      int o = e.getValue() == null ? -1 : rules.dilemmas().get(d).optionIndex(e.getValue());
      if (o < 0) {
        return Verdict.reject(
            RejectionCode.UNKNOWN_OPTION,
            choicesField(e.getKey()),
            "dilemma '" + e.getKey() + "' has no option '" + e.getValue() + "'");
      }
      choices[d] = o;
    }
    return Verdict.accept(
        new AcceptedDecision(
            seat, team * rules.hats().size() + hatIdx, turn, hours, choices, false));
  }

  AcceptedDecision defaultFor(Seat seat) {
    double free = game.freeHours(game.seatTeam(seat), seat.hat());
    double[] hours = new double[rules.acts().size()];
    for (int a = 0; a < hours.length; a++) {
      if (seat.hat().mayBook(rules.acts().get(a).kind())) {
        hours[a] = rules.defaultShares[a] * free;
      }
    }
    int[] choices = new int[rules.dilemmas().size()];
    Arrays.fill(choices, -1);
    int hatIdx = rules.hats().indexOf(seat.hat());
    return new AcceptedDecision(
        seat,
        game.teamIndex(seat.teamId()) * rules.hats().size() + hatIdx,
        turn,
        hours,
        choices,
        true);
  }

  /** The field a rejection of an act's hours names: built only for a rejection. */
  private static String hoursField(String act) {
    return "hours[" + act + "]";
  }

  private static String choicesField(String dilemma) {
    return "choices[" + dilemma + "]";
  }

  Verdict<AcceptedInjection> injection(InjectedEvent event) {
    requireNonNull(event, "event");
    if (game.isOver()) {
      return Verdict.reject(RejectionCode.GAME_OVER, "turn", "the game is over");
    }
    boolean[] hit = new boolean[game.teams.length];
    if (event.teams().isEmpty()) {
      Arrays.fill(hit, true);
    }
    for (String id : event.teams()) {
      Integer i = game.teamIndex(id);
      if (i == null) {
        return Verdict.reject(RejectionCode.UNKNOWN_TEAM, "teams", "no team '" + id + "'");
      }
      hit[i] = true;
    }
    if (event.eventId() != null) {
      int e = rules.eventIndex(event.eventId());
      if (e < 0) {
        return Verdict.reject(
            RejectionCode.UNKNOWN_EVENT,
            "eventId",
            "no event '" + event.eventId() + "' in scenario " + rules.id());
      }
      EventCard c = rules.events().get(e);
      return Verdict.accept(
          new AcceptedInjection(turn, e, c.title(), c.narrative(), new int[0], new double[0], hit));
    }
    if (event.title().isBlank() || event.narrative().isBlank() || event.effects().isEmpty()) {
      return Verdict.reject(
          RejectionCode.INCOMPLETE_EVENT,
          "event",
          "a custom event needs a title, a narrative and at least one effect");
    }
    int n = event.effects().size();
    int[] vars = new int[n];
    double[] amounts = new double[n];
    for (int k = 0; k < n; k++) {
      InjectedEvent.CustomEffect fx = event.effects().get(k);
      String field = "effects[" + k + "]";
      double max = rules.injectionMax[fx.var().ordinal()];
      if (Double.isNaN(max)) {
        return Verdict.reject(
            RejectionCode.VARIABLE_NOT_INJECTABLE,
            field,
            "scenario " + rules.id() + " does not allow custom events on " + fx.var().label());
      }
      if (!Double.isFinite(fx.amount()) || StrictMath.abs(fx.amount()) > max) {
        return Verdict.reject(
            RejectionCode.EFFECT_OUT_OF_BOUNDS,
            field,
            fx.var().label() + " effect " + fx.amount() + " is outside \u00b1" + max);
      }
      vars[k] = fx.var().ordinal();
      amounts[k] = fx.amount();
    }
    return Verdict.accept(
        new AcceptedInjection(turn, -1, event.title(), event.narrative(), vars, amounts, hit));
  }
}

package org.quarterdeck.server.bot;

import org.quarterdeck.protocol.v1.OptionStance;
import org.quarterdeck.server.engine.Act;
import org.quarterdeck.server.engine.ActCategory;
import org.quarterdeck.server.engine.Dilemma;
import org.quarterdeck.server.engine.SeatDecision;
import org.quarterdeck.server.engine.SeatHat;
import org.quarterdeck.server.engine.TurnOpening;

/**
 * Turns a bot's intent — a leadership share and a weight per act — into a decision that books
 * exactly the seat's free hours (no overtime). In two-hats mode the share is the team's: the LEADER
 * hat leads with min(1, 2·share) of its hours and the MANAGER hat with max(0, 2·share − 1), each
 * managing with the rest. So {@code balanced} splits the roles (one leads, one manages), {@code
 * numbers} has two managers and {@code leader} two leaders.
 */
final class Plan {
  private Plan() {}

  interface Weights {
    double of(Act act);
  }

  static SeatDecision book(
      TurnOpening open,
      double leadershipShare,
      Weights weights,
      OptionStance stance,
      int randomOption) {
    return book(open, leadershipShare, weights, stance, randomOption, 0);
  }

  /** As above, booking {@code overtime} hours (at most the opening's) beyond the free hours. */
  static SeatDecision book(
      TurnOpening open,
      double leadershipShare,
      Weights weights,
      OptionStance stance,
      int randomOption,
      double overtime) {
    double share = Math.max(0, Math.min(1, leadershipShare));
    double free =
        Math.max(0, open.freeHours()) + Math.max(0, Math.min(open.maxOvertimeHours(), overtime));
    double lead;
    double manage;
    SeatHat hat = open.seat().hat();
    if (hat == SeatHat.LEADER) {
      lead = free * Math.min(1, 2 * share);
    } else if (hat == SeatHat.MANAGER) {
      lead = free * Math.max(0, 2 * share - 1);
    } else {
      lead = free * share;
    }
    manage = free - lead;
    double leadWeight = 0;
    double manageWeight = 0;
    for (Act a : open.acts()) {
      double w = Math.max(0, weights.of(a));
      if (a.kind() == ActCategory.LEADERSHIP) {
        leadWeight += w;
      } else {
        manageWeight += w;
      }
    }
    SeatDecision.Builder b = SeatDecision.builder(open.seat(), open.turn());
    double booked = 0;
    Act lastBooked = null;
    for (Act a : open.acts()) {
      double w = Math.max(0, weights.of(a));
      double h =
          a.kind() == ActCategory.LEADERSHIP
              ? (leadWeight > 0 ? lead * w / leadWeight : 0)
              : (manageWeight > 0 ? manage * w / manageWeight : 0);
      if (h > 0) {
        b.hours(a.id(), h);
        booked += h;
        lastBooked = a;
      }
    }
    if (booked > free && lastBooked != null) {
      // rounding may push the sum a hair over the free hours: take it off the last act
      b.hours(lastBooked.id(), -(booked - free));
    }
    for (Dilemma d : open.dilemmas()) {
      b.choose(d.id(), choose(d, stance, randomOption));
    }
    return b.build();
  }

  private static String choose(Dilemma d, OptionStance stance, int randomOption) {
    if (randomOption >= 0) {
      return d.options().get(randomOption % d.options().size()).id();
    }
    for (Dilemma.Option o : d.options()) {
      if (o.stance() == stance) {
        return o.id();
      }
    }
    return d.options().get(d.defaultOption()).id();
  }
}

package org.quarterdeck.server.session;

import org.quarterdeck.protocol.v1.SeatRef;
import org.quarterdeck.server.bot.Strategy;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.wire.WireMapping;

/** One seat at a team: played by a person, by a bot, or by nobody (the default decision). */
final class SeatState {
  final int team;
  final Seat seat;
  Member player;
  Strategy bot;
  /** The seat's decision for the open turn, if any. */
  AcceptedDecision decision;
  org.quarterdeck.protocol.v1.Decision wireDecision;
  int version;

  SeatState(int team, Seat seat, Strategy bot) {
    this.team = team;
    this.seat = seat;
    this.bot = bot;
  }

  boolean human() {
    return player != null;
  }

  boolean submitted() {
    return decision != null;
  }

  void clearDecision() {
    decision = null;
    wireDecision = null;
    version = 0;
  }

  SeatRef ref() {
    return SeatRef.newBuilder().setTeam(team).setHat(WireMapping.hat(seat.hat())).build();
  }
}

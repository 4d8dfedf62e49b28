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

  /** The person who plays the seat (the first to take it). */
  Member player;

  /** Further people who share the seat's plan (SessionSettings.people_per_team), oldest first. */
  final java.util.List<Member> coPlayers = new java.util.ArrayList<>();

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

  /** The player and the co-players. */
  java.util.List<Member> people() {
    if (player == null) {
      return java.util.List.of();
    }
    java.util.List<Member> all = new java.util.ArrayList<>(1 + coPlayers.size());
    all.add(player);
    all.addAll(coPlayers);
    return all;
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

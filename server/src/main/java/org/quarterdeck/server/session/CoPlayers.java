package org.quarterdeck.server.session;

import org.quarterdeck.protocol.v1.SeatReleased;
import org.quarterdeck.protocol.v1.SeatTaken;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.TeamPlan;
import org.quarterdeck.server.port.Connection;

/**
 * Several people on one seat (SessionSettings.people_per_team): the first plays the seat, the
 * others are co-players who see and edit the same plan. The seat keeps one decision and its version
 * rules, so a co-player's revision is simply the seat's next version; everyone of the seat hears of
 * each saved plan.
 */
final class CoPlayers {
  private CoPlayers() {}

  /**
   * The seated seat with room for one more person (preferring {@code preferredTeam} when it is not
   * -1), the least crowded first so people spread over the teams; null when all are full.
   */
  static SeatState seatWithRoom(GameSession s, int preferredTeam) {
    SeatState best = null;
    for (SeatState seat : s.seats()) {
      if (!seat.human()
          || (preferredTeam >= 0 && seat.team != preferredTeam)
          || 1 + seat.coPlayers.size() >= s.peoplePerTeam()) {
        continue;
      }
      if (best == null || seat.coPlayers.size() < best.coPlayers.size()) {
        best = seat;
      }
    }
    return best;
  }

  /** Adds a person to a seat someone plays. */
  static void join(GameSession s, Member person, SeatState seat) {
    person.seat = seat;
    seat.coPlayers.add(person);
    s.record(
        SessionRecord.newBuilder()
            .setSeatTaken(
                SeatTaken.newBuilder()
                    .setSeat(seat.ref())
                    .setDisplayName(person.displayName)
                    .setTokenHash(person.tokenHash)
                    .setCoPlayer(true)));
  }

  /**
   * A person leaves their seat. A co-player just goes; the player's seat passes to the first
   * co-player; a player alone gives the seat back to a bot (or to nobody).
   */
  static void leave(GameSession s, Member person, SeatReleased.Why why) {
    SeatState seat = person.seat;
    if (seat == null) {
      return;
    }
    if (seat.coPlayers.remove(person)) {
      person.seat = null;
      recordLeft(s, seat, person, why);
      return;
    }
    if (seat.player == person && !seat.coPlayers.isEmpty()) {
      seat.player = seat.coPlayers.remove(0);
      person.seat = null;
      recordLeft(s, seat, person, why);
      return;
    }
    s.releaseSeat(seat, s.botFor(seat.team), why);
  }

  private static void recordLeft(
      GameSession s, SeatState seat, Member person, SeatReleased.Why why) {
    s.record(
        SessionRecord.newBuilder()
            .setSeatReleased(
                SeatReleased.newBuilder()
                    .setSeat(seat.ref())
                    .setWhy(why)
                    .setTokenHash(person.tokenHash)));
  }

  /** Tells the seat's other people that the plan changed (the saver already has the reply). */
  static void planSaved(GameSession s, SeatState seat, Connection savedOn, String by) {
    if (seat.coPlayers.isEmpty() && by == null) {
      return;
    }
    String who = by;
    for (Member p : seat.people()) {
      if (who == null && p.connections().contains(savedOn)) {
        who = p.displayName;
      }
    }
    ServerMessage.Builder plan =
        ServerMessage.newBuilder()
            .setTeamPlan(
                TeamPlan.newBuilder()
                    .setTurn(s.game().turn())
                    .setVersion(seat.version)
                    .setDecision(seat.wireDecision)
                    .setBy(who == null ? "" : who));
    for (Member p : seat.people()) {
      if (savedOn == null || !p.connections().contains(savedOn)) {
        s.send(p, plan);
      }
    }
  }
}

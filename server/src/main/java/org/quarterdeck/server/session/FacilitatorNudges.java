package org.quarterdeck.server.session;

import org.quarterdeck.protocol.v1.Broadcast;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.Verdict;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.wire.WireMapping;

/**
 * The facilitator's nudges for one seat from the per-person monitor: a reminder, and playing the
 * scenario's default decision for someone who stepped out so the turn need not wait for them.
 */
final class FacilitatorNudges {
  private FacilitatorNudges() {}

  /** Sends the seat's people a reminder; false (after an error reply) when it does not apply. */
  static boolean remind(GameSession s, Connection c, long rid, SeatState seat, boolean turnOpen) {
    if (!turnOpen) {
      s.error(c, rid, ErrorCode.WRONG_PHASE, "reminders are for an open turn");
      return false;
    }
    if (!seat.human()) {
      s.error(c, rid, ErrorCode.NOT_FOUND, "nobody sits in that seat");
      return false;
    }
    ServerMessage.Builder reminder =
        ServerMessage.newBuilder()
            .setBroadcast(
                Broadcast.newBuilder()
                    .setText("Please submit your decision for turn " + s.game().turn() + "."));
    seat.people().forEach(p -> s.send(p, reminder));
    return true;
  }

  /**
   * Submits the default decision as the seat's next version (it is recorded like any decision, so a
   * replay and a restart see it); the turn resolves if that was the last one missing.
   */
  static boolean playDefault(GameSession s, Connection c, long rid, SeatState seat, Phase phase) {
    if (phase != Phase.TURN_OPEN) {
      s.error(
          c,
          rid,
          ErrorCode.WRONG_PHASE,
          phase == Phase.PAUSED ? "the game is paused; resume it first" : "no turn is open");
      return false;
    }
    if (!seat.human()) {
      s.error(
          c,
          rid,
          ErrorCode.NOT_FOUND,
          "nobody sits in that seat; a bot or the default" + " already plays it");
      return false;
    }
    if (seat.wireDecision != null) {
      s.error(c, rid, ErrorCode.WRONG_PHASE, "that seat has already submitted");
      return false;
    }
    int turn = s.game().turn();
    org.quarterdeck.protocol.v1.Decision wire =
        WireMapping.decision(s.game().defaultDecision(seat.seat), s.game());
    Verdict<AcceptedDecision> verdict =
        s.game().validate(WireMapping.decision(seat.seat, turn, wire));
    if (!verdict.isAccepted()) {
      s.error(
          c,
          rid,
          ErrorCode.INTERNAL,
          "the scenario's default decision is refused: " + verdict.rejection().orElseThrow());
      return false;
    }
    // The reply to the facilitator is the ack that follows, not DecisionAccepted.
    s.acceptDecision(null, 0, seat, verdict.value(), wire, 1, "facilitator");
    return true;
  }
}

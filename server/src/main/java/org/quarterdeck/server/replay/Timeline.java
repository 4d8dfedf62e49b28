package org.quarterdeck.server.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quarterdeck.protocol.v1.DecisionRecorded;
import org.quarterdeck.protocol.v1.InjectEvent;
import org.quarterdeck.protocol.v1.SeatRef;
import org.quarterdeck.protocol.v1.SessionOpened;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.TurnClosed;

/**
 * A session's log read as turns: for each closed turn, the decision each seat ended with, the
 * facilitator's injected events and the recorded state hash. This is all the engine needs to
 * re-simulate the session without the session layer.
 */
public final class Timeline {
  private final SessionOpened opened;
  private final List<Turn> turns;

  /** One closed turn's inputs. */
  public record Turn(
      int number,
      Map<SeatKey, Seated> decisions,
      List<InjectEvent> injections,
      TurnClosed.Trigger trigger,
      String stateHash) {}

  /** A seat, by team index and hat. */
  public record SeatKey(int team, org.quarterdeck.protocol.v1.Hat hat) {
    static SeatKey of(SeatRef ref) {
      org.quarterdeck.protocol.v1.Hat hat =
          ref.getHat() == org.quarterdeck.protocol.v1.Hat.HAT_UNSPECIFIED
              ? org.quarterdeck.protocol.v1.Hat.BOTH
              : ref.getHat();
      return new SeatKey(ref.getTeam(), hat);
    }
  }

  /** The decision a seat ended a turn with, and whether a bot made it. */
  public record Seated(org.quarterdeck.protocol.v1.Decision decision, boolean bot) {}

  private Timeline(SessionOpened opened, List<Turn> turns) {
    this.opened = opened;
    this.turns = List.copyOf(turns);
  }

  /**
   * Reads a log.
   *
   * @throws IllegalArgumentException if it does not start with SessionOpened
   */
  public static Timeline of(List<SessionRecord> records) {
    if (records.isEmpty() || !records.get(0).hasOpened()) {
      throw new IllegalArgumentException("a session log starts with SessionOpened");
    }
    List<Turn> turns = new ArrayList<>();
    Map<SeatKey, Seated> decisions = new LinkedHashMap<>();
    List<InjectEvent> injections = new ArrayList<>();
    for (SessionRecord r : records) {
      switch (r.getEventCase()) {
        case DECISION -> {
          DecisionRecorded d = r.getDecision();
          decisions.put(SeatKey.of(d.getSeat()), new Seated(d.getDecision(), d.getBot()));
        }
        case SEAT_TAKEN -> {
          // a person taking a bot's seat replaces the bot's decision (see GameSession.seatPlayer)
          SeatKey key = SeatKey.of(r.getSeatTaken().getSeat());
          Seated held = decisions.get(key);
          if (held != null && held.bot()) {
            decisions.remove(key);
          }
        }
        case INJECTED -> injections.add(r.getInjected().getEvent());
        case TURN_CLOSED -> {
          turns.add(
              new Turn(
                  r.getTurnClosed().getTurn(),
                  Map.copyOf(decisions),
                  List.copyOf(injections),
                  r.getTurnClosed().getTrigger(),
                  r.getTurnClosed().getStateHash()));
          decisions.clear();
          injections.clear();
        }
        default -> {}
      }
    }
    return new Timeline(records.get(0).getOpened(), turns);
  }

  public SessionOpened opened() {
    return opened;
  }

  /** Closed turns, in order. */
  public List<Turn> turns() {
    return turns;
  }
}

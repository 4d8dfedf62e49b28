package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.protocol.v1.SeatRef;
import org.quarterdeck.protocol.v1.SeatReleased;
import org.quarterdeck.protocol.v1.SessionOpened;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSummary;
import org.quarterdeck.server.scenario.LoadedScenario;

/**
 * What an archived session keeps in memory: its line in the facilitator's session list, its owner,
 * and the token hashes that still lead to it (its facilitator's, its players', and the facilitator
 * tokens handed out by reopening it). Everything else — the game, the records, the reports — is
 * read from the log when someone asks ({@link TakenOutSessions}).
 */
final class ArchivedSession {
  private final SessionSummary listing;
  private final String owner;
  private final List<String> tokenHashes;
  private final Set<String> facilitatorAliases = ConcurrentHashMap.newKeySet();

  private ArchivedSession(
      SessionSummary listing, String owner, List<String> tokenHashes, Set<String> aliases) {
    this.listing = requireNonNull(listing, "listing");
    this.owner = requireNonNull(owner, "owner");
    this.tokenHashes = List.copyOf(tokenHashes);
    this.facilitatorAliases.addAll(aliases);
  }

  /** The summary of a session that is being archived now (on its thread). */
  static ArchivedSession of(GameSession s) {
    List<String> tokens = new ArrayList<>();
    s.forEachMember(
        m -> {
          if (m.role != Role.SPECTATOR) {
            tokens.add(m.tokenHash); // spectators' tokens end with their connections
          }
        });
    return new ArchivedSession(
        FacilitatorDesk.summary(s, false), s.owner(), tokens, s.facilitatorAliases());
  }

  /**
   * The summary of an ended session read from its log at start, without replaying it: the scenario
   * is loaded (a built-in is looked up; an uploaded one is parsed) for its name, title and length,
   * and the seat records are followed to count the people and keep the tokens that still count.
   */
  static ArchivedSession fromLog(List<SessionRecord> records)
      throws SessionRebuilder.ReplayException {
    SessionOpened opened = SessionRebuilder.opened(records);
    LoadedScenario scenario = SessionRebuilder.scenario(opened);
    Set<String> tokens = new LinkedHashSet<>();
    tokens.add(opened.getFacilitatorTokenHash());
    Map<SeatRef, Seated> seats = new HashMap<>();
    int turnsClosed = 0;
    for (SessionRecord r : records) {
      switch (r.getEventCase()) {
        case SEAT_TAKEN -> {
          Seated seat = seats.computeIfAbsent(r.getSeatTaken().getSeat(), ref -> new Seated());
          tokens.add(r.getSeatTaken().getTokenHash());
          if (r.getSeatTaken().getCoPlayer()) {
            seat.coPlayers.add(r.getSeatTaken().getTokenHash());
          } else {
            seat.player = r.getSeatTaken().getTokenHash();
          }
        }
        case SEAT_RELEASED -> {
          SeatReleased released = r.getSeatReleased();
          Seated seat = seats.computeIfAbsent(released.getSeat(), ref -> new Seated());
          boolean gone = released.getWhy() != SeatReleased.Why.MOVED;
          if (!released.getTokenHash().isEmpty()) {
            // one person of a shared seat (CoPlayers.leave): the first co-player takes over
            String person = released.getTokenHash();
            if (!seat.coPlayers.remove(person) && person.equals(seat.player)) {
              seat.player = seat.coPlayers.isEmpty() ? null : seat.coPlayers.remove(0);
            }
            if (gone) {
              tokens.remove(person);
            }
          } else {
            if (gone && seat.player != null) {
              tokens.remove(seat.player);
            }
            seat.player = null;
          }
        }
        case TURN_CLOSED -> turnsClosed++;
        default -> {}
      }
    }
    int people = 0;
    for (Seated seat : seats.values()) {
      people += seat.player == null ? 0 : 1 + seat.coPlayers.size();
    }
    int turns = scenario.rules().totalTurns();
    String title =
        opened.getSettings().getTitle().isEmpty()
            ? scenario.scenario().getTitle()
            : opened.getSettings().getTitle();
    SessionSummary listing =
        SessionSummary.newBuilder()
            .setSessionId(opened.getSessionId())
            .setTitle(title)
            .setJoinCode(opened.getJoinCode())
            .setPhase(Phase.ENDED)
            .setTurn(Math.min(turnsClosed + 1, turns))
            .setTurns(turns)
            .setTeams(opened.getSettings().getTeams())
            .setPeople(people)
            .setScenarioName(scenario.id())
            .setCreatedEpochMs(records.get(0).getAtMs())
            .build();
    return new ArchivedSession(listing, opened.getOwner(), new ArrayList<>(tokens), Set.of());
  }

  /** Who sits in one seat, as the seat records say. */
  private static final class Seated {
    String player;
    final List<String> coPlayers = new ArrayList<>();
  }

  String id() {
    return listing.getSessionId();
  }

  String joinCode() {
    return listing.getJoinCode();
  }

  String owner() {
    return owner;
  }

  long createdAtMs() {
    return listing.getCreatedEpochMs();
  }

  /** The facilitator's list line, with the facilitator's own archive flag. */
  SessionSummary listing(boolean hidden) {
    return listing.toBuilder().setArchived(hidden).build();
  }

  /** Token hashes of the facilitator and the players the log still admits. */
  List<String> tokenHashes() {
    return tokenHashes;
  }

  /**
   * Tokens that act as the facilitator's, handed out by reopening the session (until a restart).
   */
  Set<String> facilitatorAliases() {
    return Set.copyOf(facilitatorAliases);
  }

  void admitFacilitatorAlias(String tokenHash) {
    facilitatorAliases.add(tokenHash);
  }
}

package org.quarterdeck.server.session;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.EventView;
import org.quarterdeck.protocol.v1.LivePerson;
import org.quarterdeck.protocol.v1.LiveTeam;
import org.quarterdeck.protocol.v1.LiveView;
import org.quarterdeck.protocol.v1.LobbySeat;
import org.quarterdeck.protocol.v1.LobbyUpdate;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.Standing;
import org.quarterdeck.protocol.v1.TeamView;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.Variable;
import org.quarterdeck.server.engine.SeatHat;
import org.quarterdeck.server.engine.TeamState;
import org.quarterdeck.server.engine.TurnOpening;
import org.quarterdeck.server.engine.Var;
import org.quarterdeck.server.wire.WireMapping;

/**
 * Builds the game messages a session sends, filtered for the role they go to: a player sees their
 * own team in full, the lobby and public standings; a spectator sees the lobby and public
 * standings; the facilitator sees everything. Not the only filter: {@link Announcements} chooses
 * who hears each push, and {@code replay.Redaction} filters replays and exports.
 */
final class SessionViews {
  private final GameSession session;

  /** Each team's variables as last shown: unchanged ones are not built again. */
  private Variable[][] shownVariables = new Variable[0][];

  /** Builders of changed variables, one per variable (see {@link WireMapping#variables}). */
  private final Variable.Builder[] variableBuilders = new Variable.Builder[Var.COUNT];

  SessionViews(GameSession session) {
    this.session = session;
  }

  private List<Variable> variables(int team, TeamState state) {
    if (team >= shownVariables.length) {
      shownVariables = java.util.Arrays.copyOf(shownVariables, session.teamCount());
    }
    Variable[] shown = WireMapping.variables(state, shownVariables[team], variableBuilders);
    shownVariables[team] = shown;
    return java.util.Arrays.asList(shown);
  }

  /**
   * Each team's name as UTF-8 (a session's team names never change): every close sends them in the
   * standings and the team views, and protobuf would encode a {@code String} again for every
   * message that carries it.
   */
  private ByteString[] teamNames = new ByteString[0];

  private ByteString teamNameBytes(int team) {
    if (team >= teamNames.length) {
      teamNames = java.util.Arrays.copyOf(teamNames, session.teamCount());
    }
    ByteString b = teamNames[team];
    if (b == null) {
      b = ByteString.copyFromUtf8(session.teamName(team));
      teamNames[team] = b;
    }
    return b;
  }

  /** A team in full: only for its own players and the facilitator. */
  TeamView team(int team) {
    TeamState state = session.game().teams().get(team);
    TeamView.Builder b =
        TeamView.newBuilder()
            .setTeam(team)
            .setNameBytes(teamNameBytes(team))
            .addAllVariables(variables(team, state))
            .setResultsToDate(WireMapping.resultsToDate(state));
    boolean anyBot = false;
    for (SeatState s : session.seatsOf(team)) {
      if (s.human()) {
        s.people().forEach(p -> b.addPlayers(p.displayName));
      } else if (s.bot != null) {
        anyBot = true;
      }
    }
    return b.setBot(anyBot && b.getPlayersCount() == 0).build();
  }

  /**
   * Public standings: each team's name and results so far (closed quarters plus the running
   * quarter), ranked. Nothing else about a team is public.
   */
  List<Standing> standings() {
    List<TeamState> teams = session.game().teams();
    int n = teams.size();
    boolean byScore = session.phase() == Phase.ENDED;
    double[] results = new double[n];
    double[] rankedBy = new double[n];
    int[] order = new int[n];
    for (int t = 0; t < n; t++) {
      TeamState s = teams.get(t);
      double r = s.get(Var.RESULTS);
      for (int q = 0; q < s.quartersClosed(); q++) {
        r += s.quarterResult(q);
      }
      results[t] = r;
      rankedBy[t] = byScore ? session.finalScore(t) : r;
      order[t] = t;
    }
    // highest first, ties by team number (insertion sort: no boxing, and a session has few teams)
    for (int i = 1; i < n; i++) {
      int t = order[i];
      int j = i - 1;
      while (j >= 0 && Double.compare(rankedBy[t], rankedBy[order[j]]) > 0) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = t;
    }
    List<Standing> ranked = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int t = order[i];
      ranked.add(
          Standing.newBuilder()
              .setTeam(t)
              .setNameBytes(teamNameBytes(t))
              .setResults(results[t])
              .setScore(session.finalScore(t))
              .setRank(i + 1)
              .build());
    }
    return ranked;
  }

  LobbyUpdate lobby() {
    LobbyUpdate.Builder b = LobbyUpdate.newBuilder().setSpectators(session.spectatorCount());
    for (SeatState s : session.seats()) {
      LobbySeat.Builder seat =
          LobbySeat.newBuilder().setTeam(s.team).setHat(WireMapping.hat(s.seat.hat()));
      if (s.human()) {
        seat.setDisplayName(s.player.displayName).setConnected(s.player.connected());
        s.coPlayers.forEach(p -> seat.addCoPlayers(p.displayName));
      } else if (s.bot != null) {
        seat.setBot(true).setBotStrategy(s.bot.name());
      }
      b.addSeats(seat);
    }
    return b.build();
  }

  /** Each hat's act views: the same every turn of a session, whose rules never change. */
  private final EnumMap<SeatHat, List<ActView>> actViews = new EnumMap<>(SeatHat.class);

  /** The open turn as one seat sees it. */
  TurnOpened turnOpened(SeatState seat) {
    TurnOpening opening = session.game().opening(seat.seat);
    List<ActView> acts = actViews.get(seat.seat.hat());
    if (acts == null) {
      acts = WireMapping.acts(opening);
      actViews.put(seat.seat.hat(), acts);
    }
    TurnOpened.Builder b = WireMapping.opening(opening, acts);
    b.addAllEvents(session.injectedViews(seat.team));
    session.deadline().describe(b);
    return b.build();
  }

  Snapshot snapshot(Member member) {
    Snapshot.Builder b =
        Snapshot.newBuilder()
            .setSessionId(session.id())
            .setTitle(session.title())
            .setScenarioName(session.scenarioName())
            .setMode(WireMapping.mode(session.game().rules().mode()))
            .setPhase(session.phase())
            .setRole(member.role)
            .addAllStandings(standings())
            .setLobby(lobby())
            .setSummary(session.scenario().scenario().getSummary())
            .setLesson(session.scenario().scenario().getLesson());
    boolean open = session.phase() == Phase.TURN_OPEN || session.phase() == Phase.PAUSED;
    if (open) {
      b.setProgress(session.progress());
    }
    if (session.phase() == Phase.ENDED) {
      b.setEnded(Announcements.ended(session, member));
    }
    if (member.role == Role.PLAYER && member.seat != null) {
      SeatState seat = member.seat;
      b.setTeam(seat.team)
          .setHat(WireMapping.hat(seat.seat.hat()))
          .addTeams(team(seat.team))
          .addAllHistory(session.reports(seat.team));
      if (open) {
        b.setOpenTurn(turnOpened(seat));
        if (seat.wireDecision != null) {
          b.setDraft(seat.wireDecision).setDraftVersion(seat.version);
        }
      }
    } else if (member.role == Role.FACILITATOR) {
      for (int t = 0; t < session.teamCount(); t++) {
        b.addTeams(team(t));
      }
      session.game().rules().events().forEach(e -> b.addDeck(WireMapping.event(e)));
      b.setTurns(session.turnsPlanned());
      if (open && !session.seats().isEmpty()) {
        // the turn, its acts and its clock; hours and events differ by seat, so they stay unset
        b.setOpenTurn(
            turnOpened(session.seats().get(0)).toBuilder()
                .clearBudgetHours()
                .clearInterruptionHours()
                .clearFreeHours()
                .clearMaxOvertimeHours()
                .clearEvents()
                .clearDilemmas());
      }
    }
    return b.build();
  }

  /** Everything, for the facilitator's dashboard. */
  LiveView liveView() {
    LiveView.Builder b =
        LiveView.newBuilder()
            .setPhase(session.phase())
            .setTurn(session.shownTurn())
            .setLobby(lobby())
            .setDeadlineEpochMs(session.deadline().deadlineMs())
            .setRemainingMs(session.deadline().remainingMs());
    for (int t = 0; t < session.teamCount(); t++) {
      int submitted = 0;
      int seats = 0;
      for (SeatState s : session.seatsOf(t)) {
        seats++;
        submitted += s.submitted() ? 1 : 0;
      }
      b.addTeams(LiveTeam.newBuilder().setTeam(team(t)).setSubmitted(submitted).setSeats(seats));
    }
    b.addAllEventHistory(session.eventHistory());
    for (SeatState s : session.seats()) {
      for (Member p : s.people()) {
        b.addPeople(
            LivePerson.newBuilder()
                .setSeat(s.ref())
                .setDisplayName(p.displayName)
                .setCoPlayer(p != s.player)
                .setConnected(p.connected())
                .setSubmitted(s.wireDecision != null)
                .setVersion(s.wireDecision != null ? s.version : 0)
                .setLastSeenEpochMs(p.lastSeenMs));
      }
    }
    return b.build();
  }

  /** Events of the open turn injected for one team. */
  static List<EventView> onlyFor(int team, List<GameSession.Injection> injections) {
    List<EventView> out = new ArrayList<>();
    for (GameSession.Injection i : injections) {
      if (i.hits(team)) {
        out.add(i.view());
      }
    }
    return out;
  }
}

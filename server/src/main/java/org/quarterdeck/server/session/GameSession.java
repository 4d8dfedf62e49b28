package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.quarterdeck.protocol.v1.Broadcast;
import org.quarterdeck.protocol.v1.ClockChanged;
import org.quarterdeck.protocol.v1.DecisionAccepted;
import org.quarterdeck.protocol.v1.DecisionRecorded;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.EventInjected;
import org.quarterdeck.protocol.v1.EventView;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.PhaseChanged;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.protocol.v1.SeatTaken;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionClosed;
import org.quarterdeck.protocol.v1.SessionOpened;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SubmissionProgress;
import org.quarterdeck.protocol.v1.TurnClosed;
import org.quarterdeck.protocol.v1.TurnReport;
import org.quarterdeck.protocol.v1.TurnStarted;
import org.quarterdeck.server.bot.BotPlayer;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.bot.Strategy;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.AcceptedInjection;
import org.quarterdeck.server.engine.Game;
import org.quarterdeck.server.engine.ModelVersion;
import org.quarterdeck.server.engine.Rejection;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.engine.SeatHat;
import org.quarterdeck.server.engine.TeamScore;
import org.quarterdeck.server.engine.TurnOutcome;
import org.quarterdeck.server.engine.Verdict;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.scenario.LoadedScenario;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.wire.TurnReports;
import org.quarterdeck.server.wire.WireMapping;

/**
 * One game session: its seats, members, phase, open turn and deadline. Every method runs on the
 * session's own thread (its event loop), so the game logic holds no locks; commands check
 * everything first and change nothing when they refuse.
 */
final class GameSession {
  static final String DEFAULT_BOT = "adaptive";

  /** The least time between two live views pushed to the facilitator. */
  static final long LIVE_VIEW_INTERVAL_MS = 250;

  /** The least time between two lobby updates sent because spectators came or went. */
  static final long SPECTATOR_LOBBY_INTERVAL_MS = 1000;

  private final String id;
  private final String joinCode;
  private final String facilitatorTokenHash;
  private final LoadedScenario scenario;
  private final SessionSettings settings;
  private final long seed;
  private final SessionClock clock;
  private final SessionJournal journal;
  private final Outbox outbox;
  private final Deadline deadline;
  private final LastCall lastCall;
  private final SessionViews views;
  private final SessionCommands commands;
  private final LiveViewPushes liveViewPushes;
  private final LiveViewPushes spectatorLobbyPushes;
  private final Runnable ensureThread;
  private final List<String> teamNames = new ArrayList<>();
  private final List<SeatState> seats = new ArrayList<>();
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final List<Injection> injections = new ArrayList<>();
  private final List<EventView> eventHistory = new ArrayList<>();
  // Every team's past reports, serialized: a report's bytes take a fraction of the heap of its
  // message objects, and only a reconnecting player's snapshot reads them back.
  private final List<List<ByteString>> reports = new ArrayList<>();
  private final List<TurnReport> latestReports = new ArrayList<>();
  private final RecordHistory records = new RecordHistory();
  private boolean replaying;

  /**
   * Turns closed while replaying a log whose reports and drawn events were not built: only a
   * reconnecting player's snapshot and the facilitator's live view read them, so {@link
   * #buildPastReports} builds them from the log when first asked for.
   */
  private int pastReportsUnbuilt;

  /** Records replayed (the prefix of {@link #records} that {@link #buildPastReports} reads). */
  private int replayedRecords;

  /** Entries of {@link #eventHistory} added while replaying (injected events only). */
  private int replayedEventHistory;

  /** Whether replaying builds every past turn's report (to fill a replayed session's history). */
  private boolean replayBuildsReports;

  /**
   * While replaying: the current turn is open in memory but its TurnStarted record has not been
   * read yet (the log may end before it: then {@link #resumeAfterReplay} records the opening).
   */
  private boolean openingUnrecorded;

  private String replayError;
  private final CompletableFuture<Void> openedDurably;
  // Volatile: the facilitators' session list and room links read it from other threads.
  private volatile Phase phase = Phase.LOBBY;

  /** Learns of each live-view push (on this thread): a cluster's desk shares the summary. */
  private Runnable summaryWatcher = () -> {};

  private final String owner;
  private volatile long createdAtMs;

  /** Hashes of further tokens that act as the facilitator's (a facilitator reopening it). */
  private final java.util.Set<String> facilitatorAliases = new java.util.HashSet<>();

  private Game game;
  private List<TeamScore> finalScores = List.of();
  private boolean archived;
  private Runnable onEnded = () -> {};

  /** When a facilitator, player or spectator last sent this session a request. */
  private long lastActivityMs;

  /** A facilitator's event accepted for the open turn. */
  record Injection(AcceptedInjection accepted, EventView view, List<Integer> teams) {
    boolean hits(int team) {
      return teams.isEmpty() || teams.contains(team);
    }
  }

  /** Hears each turn's resolution time (metrics); set before the session runs. */
  private java.util.function.LongConsumer turnTimer = nanos -> {};

  GameSession(
      String id,
      String joinCode,
      String facilitatorTokenHash,
      LoadedScenario scenario,
      SessionSettings settings,
      long seed,
      SessionClock clock,
      SessionJournal journal,
      Outbox outbox,
      Runnable ensureThread,
      boolean replaying) {
    this(
        id,
        joinCode,
        facilitatorTokenHash,
        "",
        scenario,
        settings,
        seed,
        clock,
        journal,
        outbox,
        ensureThread,
        replaying);
  }

  /**
   * @param owner the signed-in facilitator who created the session ("" for none)
   */
  GameSession(
      String id,
      String joinCode,
      String facilitatorTokenHash,
      String owner,
      LoadedScenario scenario,
      SessionSettings settings,
      long seed,
      SessionClock clock,
      SessionJournal journal,
      Outbox outbox,
      Runnable ensureThread,
      boolean replaying) {
    this.replaying = replaying;
    this.owner = requireNonNull(owner, "owner");
    this.createdAtMs = clock.nowMillis();
    this.lastActivityMs = createdAtMs;
    this.id = requireNonNull(id, "id");
    this.joinCode = requireNonNull(joinCode, "joinCode");
    this.facilitatorTokenHash = requireNonNull(facilitatorTokenHash, "facilitatorTokenHash");
    this.scenario = requireNonNull(scenario, "scenario");
    this.settings = requireNonNull(settings, "settings");
    this.seed = seed;
    this.clock = requireNonNull(clock, "clock");
    this.journal = requireNonNull(journal, "journal");
    this.outbox = requireNonNull(outbox, "outbox");
    this.ensureThread = requireNonNull(ensureThread, "ensureThread");
    this.deadline = new Deadline(clock, () -> closeTurn(TurnClosed.Trigger.DEADLINE));
    this.lastCall = new LastCall(clock, this::lastCallPassed);
    this.views = new SessionViews(this);
    this.commands = new SessionCommands(this);
    this.liveViewPushes = new LiveViewPushes(clock, LIVE_VIEW_INTERVAL_MS, this::sendLiveView);
    this.spectatorLobbyPushes =
        new LiveViewPushes(clock, SPECTATOR_LOBBY_INTERVAL_MS, this::sendSpectatorCount);
    List<String> teamIds = new ArrayList<>();
    for (int t = 0; t < settings.getTeams(); t++) {
      teamIds.add("team-" + (t + 1));
      teamNames.add("Team " + (t + 1));
      reports.add(new ArrayList<>());
      latestReports.add(null);
    }
    this.game = Game.start(scenario.rules(), seed, teamIds);
    for (Seat seat : game.seats()) {
      int team = teamIds.indexOf(seat.teamId());
      seats.add(new SeatState(team, seat, botFor(team)));
    }
    members.put(
        facilitatorTokenHash, new Member(Role.FACILITATOR, facilitatorTokenHash, "facilitator"));
    openedDurably = recordOpened(teamIds);
    if (!records.isEmpty()) {
      createdAtMs = records.firstAtMs(); // as a restart reads it from the log
    }
  }

  /** Completes once the session's first record is durable, or fails if it could not be stored. */
  CompletableFuture<Void> openedDurably() {
    return openedDurably;
  }

  /**
   * The first record. A built-in scenario is named and pinned by its hash instead of copied: its
   * text was most of a short session's log, repeated in every session.
   */
  private CompletableFuture<Void> recordOpened(List<String> teamIds) {
    if (replaying) {
      return CompletableFuture.completedFuture(null); // the log holds it (and printing is costly)
    }
    boolean builtIn = ScenarioCatalog.builtInNameOf(scenario.source()).isPresent();
    return record(
        SessionRecord.newBuilder()
            .setOpened(
                SessionOpened.newBuilder()
                    .setSessionId(id)
                    .setJoinCode(joinCode)
                    .setScenarioText(
                        builtIn ? "" : TextFormat.printer().printToString(scenario.scenario()))
                    .setScenarioSha256(ScenarioCatalog.sha256(scenario.scenario()))
                    .setScenarioSource(scenario.source())
                    .setSettings(settings)
                    .setSeed(seed)
                    .setEngineVersion(ENGINE_VERSION)
                    .setModelVersion(ModelVersion.CURRENT)
                    .setFacilitatorTokenHash(facilitatorTokenHash)
                    .addAllTeamIds(teamIds)
                    .setOwner(owner)));
  }

  static final String ENGINE_VERSION = "1";

  /** The bot that plays a team's empty seats: the settings' strategy, else the default. */
  Strategy botFor(int team) {
    if (team < settings.getBotStrategiesCount()) {
      String name = settings.getBotStrategies(team);
      return name.isEmpty() ? null : Strategies.parse(name);
    }
    return Strategies.parse(DEFAULT_BOT);
  }

  // ------------------------------------------------------------------ read access for views

  String id() {
    return id;
  }

  String joinCode() {
    return joinCode;
  }

  String title() {
    return settings.getTitle().isEmpty() ? scenario.scenario().getTitle() : settings.getTitle();
  }

  /** The signed-in facilitator who created the session, or "". Immutable: any thread may read. */
  String owner() {
    return owner;
  }

  long createdAtMs() {
    return createdAtMs;
  }

  /** Turns the scenario plays; the engine's turn counter stands one past it at the end. */
  int turnsPlanned() {
    return game.rules().totalTurns();
  }

  /** The turn to show people: after the last turn there is no further one. */
  int shownTurn() {
    return Math.min(game.turn(), turnsPlanned());
  }

  int peoplePerTeam() {
    return Math.max(1, settings.getPeoplePerTeam());
  }

  /** Lets a further token act as the facilitator (a reopened session); until the server stops. */
  void admitFacilitatorAlias(String tokenHash) {
    facilitatorAliases.add(tokenHash);
  }

  /** The further facilitator tokens admitted so far (kept by the session's archived summary). */
  java.util.Set<String> facilitatorAliases() {
    return java.util.Set.copyOf(facilitatorAliases);
  }

  String scenarioName() {
    return scenario.id();
  }

  LoadedScenario scenario() {
    return scenario;
  }

  Phase phase() {
    return phase;
  }

  Game game() {
    return game;
  }

  SessionClock clock() {
    return clock;
  }

  Deadline deadline() {
    return deadline;
  }

  SessionViews views() {
    return views;
  }

  SessionCommands commands() {
    return commands;
  }

  long seed() {
    return seed;
  }

  int teamCount() {
    return teamNames.size();
  }

  String teamName(int team) {
    return teamNames.get(team);
  }

  List<SeatState> seats() {
    return Collections.unmodifiableList(seats);
  }

  /**
   * A team's seats. The seats are made once, team by team in the game's seat order, so a team's
   * seats are one run of the list (a filter over every seat made each turn close quadratic).
   */
  List<SeatState> seatsOf(int team) {
    int hats = game.rules().hats().size();
    return Collections.unmodifiableList(seats.subList(team * hats, (team + 1) * hats));
  }

  SeatState seat(int team, SeatHat hat) {
    for (SeatState s : seats) {
      if (s.team == team && s.seat.hat() == hat) {
        return s;
      }
    }
    return null;
  }

  int spectatorCount() {
    return (int) members.values().stream().filter(m -> m.role == Role.SPECTATOR).count();
  }

  Member member(String tokenHash) {
    Member m = members.get(tokenHash);
    if (m == null && facilitatorAliases.contains(tokenHash)) {
      return members.get(facilitatorTokenHash);
    }
    return m;
  }

  /** Every report of a team so far, oldest first. */
  List<TurnReport> reports(int team) {
    buildPastReports();
    List<TurnReport> all = new ArrayList<>(reports.get(team).size());
    for (ByteString bytes : reports.get(team)) {
      try {
        all.add(TurnReport.parseFrom(bytes));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("a report this session wrote does not parse", e);
      }
    }
    return all;
  }

  /**
   * The bytes of {@link #latestReport} as the report history keeps them, once a live close has kept
   * its reports (every live close appends them last: {@link #keepReports}); else null.
   */
  ByteString latestReportBytes(int team) {
    List<ByteString> history = reports.get(team);
    return replaying || history.isEmpty() ? null : history.get(history.size() - 1);
  }

  /** The report of the turn that closed last. */
  TurnReport latestReport(int team) {
    if (latestReports.get(team) == null) {
      buildPastReports();
    }
    return latestReports.get(team);
  }

  List<EventView> eventHistory() {
    buildPastReports();
    return Collections.unmodifiableList(eventHistory);
  }

  List<EventView> injectedViews(int team) {
    return SessionViews.onlyFor(team, injections);
  }

  double finalScore(int team) {
    return team < finalScores.size() ? finalScores.get(team).score() : 0;
  }

  List<TeamScore> finalScores() {
    return finalScores;
  }

  // ------------------------------------------------------------------ members and seats

  void addMember(Member member) {
    members.put(member.tokenHash, member);
  }

  void removeMember(Member member) {
    member.removed = true;
    members.remove(member.tokenHash);
  }

  /** Seats a player; a bot that held the seat stands down, and its draft with it. */
  void seatPlayer(Member player, SeatState seat) {
    seat.player = player;
    seat.bot = null;
    player.seat = seat;
    if (seat.decision != null && seat.wireDecision == null) {
      seat.clearDecision(); // a bot's decision, not the player's
    }
    record(
        SessionRecord.newBuilder()
            .setSeatTaken(
                SeatTaken.newBuilder()
                    .setSeat(seat.ref())
                    .setDisplayName(player.displayName)
                    .setTokenHash(player.tokenHash)));
    if (lastCall.running() && !everyoneSubmitted()) {
      lastCall.cancel(); // a newcomer has not decided yet: the turn waits for them
      sendToAll(m -> true, ServerMessage.newBuilder().setSubmissionProgress(progress()));
    }
  }

  /** Frees a player's seat for a bot, which decides at once if the turn is open. */
  void releaseSeat(SeatState seat, Strategy bot, org.quarterdeck.protocol.v1.SeatReleased.Why why) {
    if (seat.player != null) {
      seat.player.seat = null;
    }
    seat.player = null;
    seat.bot = bot;
    record(
        SessionRecord.newBuilder()
            .setSeatReleased(
                org.quarterdeck.protocol.v1.SeatReleased.newBuilder()
                    .setSeat(seat.ref())
                    .setWhy(why)
                    .setBotStrategy(bot == null ? "" : bot.name())));
    if (phase == Phase.TURN_OPEN || phase == Phase.PAUSED) {
      if (!seat.submitted()) {
        decideForBot(seat);
      }
      maybeCloseTurn();
    }
  }

  // ------------------------------------------------------------------ turns

  /** Opens the game's current turn: bots decide, players see the opening, the clock starts. */
  void openTurn() {
    ensureThread.run();
    beginTurn();
    if (replaying) {
      // the recorded TurnStarted and bot decisions that follow say the rest
      openingUnrecorded = true;
      return;
    }
    for (SeatState s : seats) {
      if (!s.human()) {
        decideForBot(s);
      }
    }
    announceOpening();
  }

  /** The game's current turn is open; no seat has decided yet. */
  private void beginTurn() {
    phase = Phase.TURN_OPEN;
    injections.clear();
    for (SeatState s : seats) {
      s.clearDecision();
    }
  }

  /** Starts the clock, records TurnStarted and shows everyone the opening. */
  private void announceOpening() {
    openingUnrecorded = false;
    deadline.start(settings.getTurnDeadlineSeconds() * 1000L);
    record(
        SessionRecord.newBuilder()
            .setTurnStarted(
                TurnStarted.newBuilder()
                    .setTurn(game.turn())
                    .setDeadlineMs(deadline.deadlineMs())));
    for (Member m : members.values()) {
      if (m.role == Role.PLAYER && m.seat != null) {
        send(m, ServerMessage.newBuilder().setTurnOpened(views.turnOpened(m.seat)));
      } else {
        send(m, phaseChanged());
      }
    }
    pushLiveView();
  }

  private void decideForBot(SeatState s) {
    if (s.bot == null || replaying) {
      return; // while replaying, the bot's recorded decision is applied instead
    }
    org.quarterdeck.server.engine.SeatDecision d = BotPlayer.propose(game, s.seat, s.bot);
    Verdict<AcceptedDecision> verdict = game.validate(d);
    if (verdict.isAccepted()) {
      s.decision = verdict.value();
      s.version = 1;
      record(
          SessionRecord.newBuilder()
              .setDecision(
                  DecisionRecorded.newBuilder()
                      .setSeat(s.ref())
                      .setTurn(game.turn())
                      .setVersion(1)
                      .setDecision(WireMapping.decision(d))
                      .setBot(true)));
    }
  }

  /** Records a player's accepted decision; closes the turn if every player has submitted. */
  void acceptDecision(
      Connection c,
      long requestId,
      SeatState seat,
      AcceptedDecision accepted,
      org.quarterdeck.protocol.v1.Decision wire,
      int version) {
    acceptDecision(c, requestId, seat, accepted, wire, version, null);
  }

  /**
   * @param by who saved it, for the team's other people (null: the person on {@code c})
   */
  void acceptDecision(
      Connection c,
      long requestId,
      SeatState seat,
      AcceptedDecision accepted,
      org.quarterdeck.protocol.v1.Decision wire,
      int version,
      String by) {
    seat.decision = accepted;
    seat.wireDecision = wire;
    seat.version = version;
    record(
        SessionRecord.newBuilder()
            .setDecision(
                DecisionRecorded.newBuilder()
                    .setSeat(seat.ref())
                    .setTurn(game.turn())
                    .setVersion(version)
                    .setDecision(wire)));
    reply(
        c,
        requestId,
        ServerMessage.newBuilder()
            .setDecisionAccepted(
                DecisionAccepted.newBuilder().setTurn(game.turn()).setVersion(version)));
    CoPlayers.planSaved(this, seat, c, by);
    if (version == 1) { // a revision changes nothing the others see: only first submissions count
      sendToAll(m -> true, ServerMessage.newBuilder().setSubmissionProgress(progress()));
      pushLiveView();
    }
    maybeCloseTurn();
  }

  /** Submissions of the open turn so far, with the last call when it runs. */
  SubmissionProgress progress() {
    int expected = 0;
    int submitted = 0;
    for (SeatState s : seats) {
      if (s.human()) {
        expected++;
        submitted += s.wireDecision != null ? 1 : 0;
      }
    }
    SubmissionProgress.Builder b =
        SubmissionProgress.newBuilder()
            .setTurn(game.turn())
            .setSubmitted(submitted)
            .setExpected(expected);
    lastCall.describe(b);
    return b.build();
  }

  /** Counted, not built from {@link #progress()}: it runs after every decision. */
  private boolean everyoneSubmitted() {
    int expected = 0;
    for (SeatState s : seats) {
      if (s.human()) {
        expected++;
        if (s.wireDecision == null) {
          return false;
        }
      }
    }
    return expected > 0;
  }

  /**
   * Resolves the turn once every player has submitted: at once, or after the last call (players
   * hear when it ends, and may revise until then).
   */
  private void maybeCloseTurn() {
    if (phase != Phase.TURN_OPEN || replaying || !everyoneSubmitted()) {
      return;
    }
    long window = settings.getLastCallSeconds() * 1000L;
    if (window == 0) {
      closeTurn(TurnClosed.Trigger.ALL_SUBMITTED);
    } else if (!lastCall.running()) {
      lastCall.start(window);
      sendToAll(m -> true, ServerMessage.newBuilder().setSubmissionProgress(progress()));
    }
  }

  /** The last call passed: the turn resolves unless a seat became unsubmitted meanwhile. */
  private void lastCallPassed() {
    if (phase == Phase.TURN_OPEN && everyoneSubmitted()) {
      closeTurn(TurnClosed.Trigger.ALL_SUBMITTED);
    }
  }

  void addInjection(Injection injection, org.quarterdeck.protocol.v1.InjectEvent wire) {
    injections.add(injection);
    eventHistory.add(injection.view());
    record(
        SessionRecord.newBuilder()
            .setInjected(EventInjected.newBuilder().setTurn(game.turn()).setEvent(wire)));
    for (Member m : members.values()) {
      if (m.role == Role.PLAYER && m.seat != null && injection.hits(m.seat.team)) {
        send(m, ServerMessage.newBuilder().setTurnOpened(views.turnOpened(m.seat)));
      }
    }
    pushLiveView();
  }

  /** Resolves the open turn with what was submitted; missing seats get the default decision. */
  void closeTurn(TurnClosed.Trigger trigger) {
    closeTurn(trigger, null);
  }

  /**
   * Resolves the open turn; with {@code recordedHash} (replay) the resolution must reach that
   * state, and what follows it (the next opening or the end) is left to the records after it.
   */
  void closeTurn(TurnClosed.Trigger trigger, String recordedHash) {
    ensureThread.run();
    if (phase != Phase.TURN_OPEN && phase != Phase.PAUSED) {
      return;
    }
    deadline.stop();
    lastCall.cancel();
    long started = System.nanoTime(); // a duration for metrics only; the game's time is clock's
    List<AcceptedDecision> decisions = new ArrayList<>(seats.size());
    for (SeatState s : seats) {
      if (s.decision != null) {
        decisions.add(s.decision);
      }
    }
    List<AcceptedInjection> accepted = new ArrayList<>(injections.size());
    for (Injection i : injections) {
      accepted.add(i.accepted());
    }
    TurnOutcome outcome = game.resolve(decisions, accepted);
    game = outcome.next();
    if (replaying && !replayBuildsReports) {
      pastReportsUnbuilt++; // built from the log if someone asks (buildPastReports)
    } else {
      keepReports(outcome);
    }
    record(
        SessionRecord.newBuilder()
            .setTurnClosed(
                TurnClosed.newBuilder()
                    .setTurn(outcome.turn())
                    .setTrigger(trigger)
                    .setStateHash(game.stateHashHex())));
    if (game.isOver()) {
      finalScores = game.finalScores();
    }
    if (replaying) {
      if (recordedHash != null && !recordedHash.equals(game.stateHashHex())) {
        replayError =
            "state hash mismatch after turn "
                + outcome.turn()
                + ": recorded "
                + recordedHash
                + ", replayed "
                + game.stateHashHex();
      }
      if (!game.isOver()) {
        beginTurn();
        openingUnrecorded = true;
      }
      return;
    }
    Announcements.turnClosed(this, outcome);
    if (!replaying) {
      turnTimer.accept(System.nanoTime() - started);
    }
    if (game.isOver()) {
      end(false);
    } else {
      openTurn();
    }
  }

  /**
   * One report builder per thread: its builders keep variable names and labels from one close to
   * the next, so protobuf checks their UTF-8 once, not at every close (a session closes its turns
   * on its own thread, one at a time).
   */
  private static final ThreadLocal<TurnReports> TURN_REPORTS =
      ThreadLocal.withInitial(TurnReports::new);

  /** Builds and keeps each team's report of a resolved turn, and the events it drew. */
  private void keepReports(TurnOutcome outcome) {
    Map<String, EventView> drawn = null;
    TurnReports teamReports = TURN_REPORTS.get(); // builders kept from close to close
    for (int team = 0; team < outcome.teamCount(); team++) { // session order: index = team
      TurnReport report = teamReports.report(outcome, team).setDecision(teamDecision(team)).build();
      latestReports.set(team, report);
      reports.get(team).add(report.toByteString());
      for (EventView e : report.getEventsList()) {
        if (!e.getInjected()) {
          if (drawn == null) {
            drawn = new LinkedHashMap<>();
          }
          drawn.putIfAbsent(e.getId(), e);
        }
      }
    }
    if (drawn != null) {
      eventHistory.addAll(drawn.values());
    }
  }

  /**
   * Builds the reports and drawn events of the turns replayed without them, by replaying the same
   * records once more with reports on (deterministic, so they are the ones the live session built).
   */
  private void buildPastReports() {
    if (pastReportsUnbuilt == 0 || replaying) {
      return; // while replaying nobody is connected to read them, and the records are not in yet
    }
    GameSession past;
    try {
      past =
          SessionRebuilder.replayWithReports(
              records.first(replayedRecords), clock, journal, outbox);
    } catch (SessionRebuilder.ReplayException e) {
      throw new IllegalStateException(
          "session " + id + ": its log replayed once but not twice: " + e.getMessage(), e);
    }
    for (int team = 0; team < reports.size(); team++) {
      reports.get(team).addAll(0, past.reports.get(team));
      if (latestReports.get(team) == null) {
        latestReports.set(team, past.latestReports.get(team));
      }
    }
    eventHistory.subList(0, replayedEventHistory).clear();
    eventHistory.addAll(0, past.eventHistory);
    pastReportsUnbuilt = 0;
  }

  /** Replays with every past turn's report built (see {@link #buildPastReports}). */
  void buildReportsWhileReplaying() {
    replayBuildsReports = true;
  }

  /** Tells {@code timer} how long each turn this session resolves takes, in nanoseconds. */
  void timeTurns(java.util.function.LongConsumer timer) {
    turnTimer = requireNonNull(timer, "timer");
  }

  /** The decisions a team's seats submitted, merged (in two-hats mode each hat books its acts). */
  private org.quarterdeck.protocol.v1.Decision teamDecision(int team) {
    org.quarterdeck.protocol.v1.Decision.Builder merged =
        org.quarterdeck.protocol.v1.Decision.newBuilder();
    for (SeatState s : seatsOf(team)) {
      if (s.wireDecision != null) {
        merged.mergeFrom(s.wireDecision);
      }
    }
    return merged.build();
  }

  void pause() {
    phase = Phase.PAUSED;
    deadline.pause();
    lastCall.cancel(); // the room stopped: the resume gives everyone the whole last call again
    clockChanged(ClockChanged.Change.PAUSED);
  }

  void resume() {
    phase = Phase.TURN_OPEN;
    deadline.resume();
    clockChanged(ClockChanged.Change.RESUMED);
    maybeCloseTurn();
  }

  void extend(long millis) {
    deadline.extend(millis);
    clockChanged(ClockChanged.Change.EXTENDED);
  }

  void deadlineAt(long epochMs) {
    deadline.runUntil(epochMs);
    clockChanged(ClockChanged.Change.SET);
  }

  private void clockChanged(ClockChanged.Change change) {
    record(
        SessionRecord.newBuilder()
            .setClock(
                ClockChanged.newBuilder()
                    .setChange(change)
                    .setDeadlineMs(deadline.deadlineMs())
                    .setRemainingMs(deadline.remainingMs())));
    sendToAll(m -> true, phaseChanged());
    pushLiveView();
  }

  void broadcast(String text) {
    record(
        SessionRecord.newBuilder()
            .setBroadcast(org.quarterdeck.protocol.v1.BroadcastSent.newBuilder().setText(text)));
    sendToAll(
        m -> true, ServerMessage.newBuilder().setBroadcast(Broadcast.newBuilder().setText(text)));
  }

  /** Ends the session: final scores for everyone, the clock stops, nothing more is accepted. */
  void end(boolean early) {
    deadline.stop();
    lastCall.cancel();
    phase = Phase.ENDED;
    if (finalScores.isEmpty()) {
      finalScores = game.finalScores();
    }
    record(SessionRecord.newBuilder().setClosed(SessionClosed.newBuilder().setEarly(early)));
    if (replaying) {
      return; // nobody is connected to hear of it
    }
    Announcements.ended(this);
    pushLiveView();
    onEnded.run();
  }

  /** Someone sent this session a request now (on the session's thread). */
  void touch() {
    lastActivityMs = clock.nowMillis();
  }

  long lastActivityMs() {
    return lastActivityMs;
  }

  /**
   * Closes a lobby nobody started in time: the log records the end (so a restart finds it ended),
   * and everyone connected is told {@code Goodbye SESSION_ARCHIVED} and let go. No scores: no turn
   * was played.
   */
  void closeIdleLobby(String why) {
    ensureThread.run();
    if (phase != Phase.LOBBY) {
      throw new IllegalStateException("session " + id + " is not in its lobby");
    }
    phase = Phase.ENDED;
    record(SessionRecord.newBuilder().setClosed(SessionClosed.newBuilder().setEarly(true)));
    for (Member m : members.values()) {
      for (Connection c : m.connections()) {
        outbox.close(c, Goodbye.Reason.SESSION_ARCHIVED, why);
      }
      m.connection = null;
    }
  }

  /** Called on this session's thread once it ends (not while replaying a log). */
  void onEnded(Runnable listener) {
    this.onEnded = requireNonNull(listener, "listener");
  }

  /**
   * Archives the ended session: it takes no more commands that would write to its log, and its log
   * is closed. It stays replayable and exportable from the records it holds.
   */
  CompletableFuture<Void> archive() {
    if (phase != Phase.ENDED) {
      throw new IllegalStateException("session " + id + " has not ended");
    }
    archived = true;
    return journal.close();
  }

  boolean archived() {
    return archived;
  }

  /** When the session ended (its last record), or -1 if it has not. */
  long endedAtMs() {
    return phase == Phase.ENDED && !records.isEmpty() ? records.lastAtMs() : -1;
  }

  // ------------------------------------------------------------------ output

  ServerMessage.Builder phaseChanged() {
    PhaseChanged.Builder b = PhaseChanged.newBuilder().setPhase(phase).setTurn(shownTurn());
    deadline.describe(b);
    return ServerMessage.newBuilder().setPhaseChanged(b);
  }

  /** The facilitator's live view changed; it is pushed at most every LIVE_VIEW_INTERVAL_MS. */
  void pushLiveView() {
    liveViewPushes.changed();
  }

  /**
   * Runs (on this session's thread) with each live-view push, so at most every
   * LIVE_VIEW_INTERVAL_MS: the facilitator desk of a cluster shares the session's summary with it.
   */
  void watchSummary(Runnable watcher) {
    summaryWatcher = requireNonNull(watcher, "watcher");
  }

  private void sendLiveView() {
    summaryWatcher.run();
    for (Member m : members.values()) {
      if (m.role == Role.FACILITATOR) {
        send(m, ServerMessage.newBuilder().setLiveView(views.liveView()));
      }
    }
  }

  void pushLobby() {
    sendToAll(m -> true, ServerMessage.newBuilder().setLobbyUpdate(views.lobby()));
  }

  /**
   * Spectators came or went. Only the facilitator and players hear of it, and at most once a
   * second: a crowd arriving must not cost one update per arrival to everyone already watching
   * (that made 1,500 arrivals send over a million messages). Spectators see the count with the next
   * seat change.
   */
  void spectatorsChanged() {
    spectatorLobbyPushes.changed();
  }

  private void sendSpectatorCount() {
    sendToAll(
        m -> m.role != Role.SPECTATOR, ServerMessage.newBuilder().setLobbyUpdate(views.lobby()));
  }

  void sendToAll(Predicate<Member> who, ServerMessage.Builder message) {
    ServerMessage built = message.build();
    for (Member m : members.values()) {
      if (who.test(m)) {
        for (Connection c : m.connections()) {
          outbox.send(c, SpokenTexts.forLanguage(scenario, built, c.language()));
        }
      }
    }
  }

  void forEachMember(Consumer<Member> action) {
    List.copyOf(members.values()).forEach(action);
  }

  /** Sends a built message; the same instance may go to many members (it is immutable). */
  void send(Member m, ServerMessage message) {
    for (Connection c : m.connections()) {
      outbox.send(c, SpokenTexts.forLanguage(scenario, message, c.language()));
    }
  }

  /**
   * Sends a built message and its bytes ({@code encoded} is {@code message.toByteString()}; null:
   * none): a connection that hears it untranslated gets the bytes, not a serialization of its own.
   */
  void send(Member m, ServerMessage message, ByteString encoded) {
    for (Connection c : m.connections()) {
      ServerMessage spoken = SpokenTexts.forLanguage(scenario, message, c.language());
      outbox.send(c, spoken, spoken == message ? encoded : null);
    }
  }

  void send(Member m, ServerMessage.Builder message) {
    List<Connection> connections = m.connections();
    if (!connections.isEmpty()) {
      ServerMessage built = message.build();
      for (Connection c : connections) {
        outbox.send(c, SpokenTexts.forLanguage(scenario, built, c.language()));
      }
    }
  }

  /** Answers a request; during replay there is nobody to answer. */
  void reply(Connection c, long requestId, ServerMessage.Builder message) {
    if (c != null) {
      outbox.send(
          c,
          SpokenTexts.forLanguage(scenario, message.setRequestId(requestId).build(), c.language()));
    }
  }

  void error(Connection c, long requestId, ErrorCode code, String message) {
    if (c == null) {
      replayError = code + ": " + message;
      return;
    }
    outbox.send(c, org.quarterdeck.server.port.Errors.reply(requestId, code, message));
  }

  /** An error naming the field at fault ({@code Error.field}). */
  void error(Connection c, long requestId, ErrorCode code, String field, String message) {
    if (c == null) {
      replayError = code + ": " + field + ": " + message;
      return;
    }
    ServerMessage m = org.quarterdeck.server.port.Errors.reply(requestId, code, message);
    outbox.send(c, m.toBuilder().setError(m.getError().toBuilder().setField(field)).build());
  }

  void error(Connection c, long requestId, Rejection rejection, String fieldPrefix) {
    if (c == null) {
      replayError = rejection.toString();
      return;
    }
    ServerMessage m =
        org.quarterdeck.server.port.Errors.reply(
            requestId, ErrorCode.INVALID_ARGUMENT, rejection.code() + ": " + rejection.message());
    outbox.send(
        c,
        m.toBuilder()
            .setError(m.getError().toBuilder().setField(fieldPrefix + rejection.field()))
            .build());
  }

  void goodbye(Member m, Goodbye.Reason reason, String message) {
    if (m.connection != null) {
      Connection c = m.connection;
      m.connection = null;
      outbox.close(c, reason, message);
    }
  }

  CompletableFuture<Void> record(SessionRecord.Builder record) {
    if (replaying) {
      return CompletableFuture.completedFuture(null);
    }
    SessionRecord built = record.setAtMs(clock.nowMillis()).build();
    // serialized once: the history keeps these bytes and the journal stores them
    byte[] serialized = built.toByteArray();
    records.add(serialized, built.getAtMs());
    CompletableFuture<Void> written = journal.append(built, serialized);
    outbox.recorded(written);
    return written;
  }

  /**
   * Every record of this session so far, oldest first (the log, as this session wrote it), parsed
   * from the serialized history (only those written since the last call, while the collector keeps
   * that call's): for replays, exports and rebuilds, not for the live game.
   */
  List<SessionRecord> records() {
    return records.list();
  }

  boolean replaying() {
    return replaying;
  }

  /** Ends replay: the records replayed become this session's history; live work starts. */
  void finishReplay(List<SessionRecord> replayed) {
    if (!replayed.isEmpty()) {
      createdAtMs = replayed.get(0).getAtMs();
    }
    records.replaceWith(replayed);
    replayedRecords = replayed.size();
    replayedEventHistory = eventHistory.size();
    replaying = false;
  }

  /** The error a command raised while replaying (a log that does not fit the rules), or null. */
  String takeReplayError() {
    String e = replayError;
    replayError = null;
    return e;
  }

  void setPhase(Phase phase) {
    this.phase = phase;
  }

  Outbox outbox() {
    return outbox;
  }

  SessionJournal journal() {
    return journal;
  }

  /**
   * After a replay, finishes what a crash interrupted, recording every step so that the log alone
   * rebuilds this state: a turn whose opening was not recorded is opened (bots decide, the clock
   * starts, TurnStarted is written), a bot that had not decided yet decides, a game whose last turn
   * closed is ended, and a turn every player had submitted is resolved.
   */
  void resumeAfterReplay() {
    ensureThread.run();
    if (phase == Phase.ENDED) {
      return;
    }
    if (game.isOver()) {
      end(false);
      return;
    }
    if (phase == Phase.TURN_OPEN || phase == Phase.PAUSED) {
      for (SeatState s : seats) {
        if (!s.human() && !s.submitted()) {
          decideForBot(s);
        }
      }
      if (openingUnrecorded) {
        announceOpening();
      }
    }
    maybeCloseTurn();
  }

  /** Replays a recorded TurnStarted: the opening is on record, its clock runs to the deadline. */
  void openingRecorded(long deadlineMs) {
    openingUnrecorded = false;
    deadline.runUntil(deadlineMs);
  }

  /** Replays a recorded decision (a player's or a bot's) as a fact: the seat's draft becomes it. */
  void applyRecordedDecision(SeatState seat, org.quarterdeck.protocol.v1.DecisionRecorded d) {
    if (d.getTurn() != game.turn()) {
      replayError =
          "a decision for turn " + d.getTurn() + " while turn " + game.turn() + " is open";
      return;
    }
    Verdict<AcceptedDecision> verdict =
        game.validate(WireMapping.decision(seat.seat, d.getTurn(), d.getDecision()));
    if (!verdict.isAccepted()) {
      replayError = verdict.rejection().orElseThrow().toString();
      return;
    }
    seat.decision = verdict.value();
    seat.wireDecision = d.getBot() ? null : d.getDecision();
    seat.version = d.getVersion();
  }
}

package org.quarterdeck.server.engine;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One game between turns: the rules, the session seed, the open turn and every team's state.
 * Immutable; {@link #resolve} returns the next game inside a {@link TurnOutcome}. This is the
 * engine's entry point for the session layer:
 *
 * <ol>
 *   <li>{@link #start} a game from compiled {@link Rules}, a seed and team ids;
 *   <li>show each seat its {@link #opening(Seat)};
 *   <li>{@link #validate(SeatDecision)} each submitted decision (a {@link Rejection} changes
 *       nothing);
 *   <li>{@link #validateInjection(InjectedEvent)} facilitator events;
 *   <li>{@link #resolve} with the accepted decisions (missing seats get {@link #defaultDecision});
 *   <li>record {@link #stateHash()} of the next game; when {@link #isOver()}, read {@link
 *       #finalScores()} and {@link #debrief()}.
 * </ol>
 */
public final class Game {
  final Rules rules;
  final long seed;
  final int turn;
  final TeamState[] teams;
  private final Map<String, Integer> teamIndex;
  private final List<Seat> seats;

  /** Memo of {@link #stateHash()}; volatile so another thread sees the whole array. */
  private volatile byte[] hash;

  /** Memo of {@link #stateHashHex()}: a session writes it in its log and in every TurnResolved. */
  private volatile String hashHex;

  /** Memo of {@link #debrief()}: the end of a session shows it to every member. */
  private volatile Debrief debrief;

  Game(
      Rules rules,
      long seed,
      int turn,
      TeamState[] teams,
      Map<String, Integer> teamIndex,
      List<Seat> seats) {
    this.rules = rules;
    this.seed = seed;
    this.turn = turn;
    this.teams = teams;
    this.teamIndex = teamIndex;
    this.seats = seats;
  }

  /**
   * Starts a game at turn 1.
   *
   * @param teamIds distinct, non-blank team ids; their order fixes each team's random stream
   * @throws IllegalArgumentException if the ids are blank, repeated, or outside the scenario's team
   *     limits
   */
  public static Game start(Rules rules, long seed, List<String> teamIds) {
    requireNonNull(rules, "rules");
    requireNonNull(teamIds, "teamIds");
    int min = StrictMath.max(1, rules.scenario.getMinTeams());
    int max = rules.scenario.getMaxTeams() == 0 ? Integer.MAX_VALUE : rules.scenario.getMaxTeams();
    if (teamIds.size() < min || teamIds.size() > max) {
      throw new IllegalArgumentException(
          "scenario "
              + rules.id()
              + " needs "
              + min
              + ".."
              + max
              + " teams, got "
              + teamIds.size());
    }
    Map<String, Integer> index = new TreeMap<>();
    TeamState[] teams = new TeamState[teamIds.size()];
    List<Seat> seats = new ArrayList<>();
    for (int i = 0; i < teams.length; i++) {
      String id = requireNonNull(teamIds.get(i), "team id");
      if (id.isBlank() || index.put(id, i) != null) {
        throw new IllegalArgumentException("team ids must be distinct and non-blank: '" + id + "'");
      }
      teams[i] = TeamState.initial(rules, id, i);
      for (SeatHat hat : rules.hats()) {
        seats.add(new Seat(id, hat));
      }
    }
    return new Game(
        rules,
        seed,
        1,
        teams,
        Collections.unmodifiableMap(index),
        Collections.unmodifiableList(seats));
  }

  /** The rules of this game. */
  public Rules rules() {
    return rules;
  }

  /** The session seed. */
  public long seed() {
    return seed;
  }

  /** The open turn (1-based); {@code totalTurns + 1} once the game is over. */
  public int turn() {
    return turn;
  }

  /** The open turn's 1-based quarter. */
  public int quarter() {
    return StrictMath.min(rules.quarters, (turn - 1) / rules.turnsPerQuarter + 1);
  }

  /** True after the last turn has been resolved. */
  public boolean isOver() {
    return turn > rules.totalTurns;
  }

  /** Every seat, team by team, in team order. */
  public List<Seat> seats() {
    return seats;
  }

  /** Team ids in session order. */
  public List<String> teamIds() {
    List<String> ids = new ArrayList<>(teams.length);
    for (TeamState t : teams) {
      ids.add(t.id);
    }
    return ids;
  }

  /** A team's state (what its own players see in full). */
  public TeamState team(String teamId) {
    Integer i = teamIndex.get(teamId);
    if (i == null) {
      throw new IllegalArgumentException("no team " + teamId);
    }
    return teams[i];
  }

  /** Teams in session order. */
  public List<TeamState> teams() {
    // a view, not a copy: the array never changes, and a session reads it once per member
    return Collections.unmodifiableList(Arrays.asList(teams));
  }

  // ---------------------------------------------------------------- opening

  /** Interruption hours a team faces this turn, before splitting between hats. */
  double teamInterruptions(TeamState s) {
    // the anxious boss's share is already in the variable (see TurnResolver), so reports show it
    return s.values[Var.INTERRUPTIONS.ordinal()];
  }

  double seatInterruptions(TeamState s, SeatHat hat) {
    double cap = rules.budget.getMaxInterruptionShare() * rules.hoursPerTurn(hat);
    return StrictMath.min(cap, teamInterruptions(s) * rules.interruptionShare(hat));
  }

  /**
   * Hours a seat of {@code hat} in team {@code s} can book in the open turn without overtime: its
   * budget less its interruptions, as its {@link #opening} says ({@link TurnOpening#freeHours}).
   */
  double freeHours(TeamState s, SeatHat hat) {
    return rules.hoursPerTurn(hat) - seatInterruptions(s, hat);
  }

  /** The state of a seat's team, for a seat that may play the open turn; else it throws. */
  TeamState seatTeam(Seat seat) {
    requireNonNull(seat, "seat");
    if (isOver()) {
      throw new IllegalStateException("game over");
    }
    TeamState s = team(seat.teamId());
    if (!rules.hats().contains(seat.hat())) {
      throw new IllegalArgumentException("hat " + seat.hat() + " does not exist in " + rules.mode);
    }
    return s;
  }

  /** What a seat sees when the open turn starts. */
  public TurnOpening opening(Seat seat) {
    TeamState s = seatTeam(seat);
    double budget = rules.hoursPerTurn(seat.hat());
    double interruptions = seatInterruptions(s, seat.hat());
    List<EventCard> events = new ArrayList<>();
    for (int e : eventsFor(s.index)) {
      events.add(rules.events().get(e));
    }
    List<Dilemma> dilemmas = new ArrayList<>();
    if (seat.hat() != SeatHat.MANAGER) {
      for (int d : rules.dilemmasByTurn[turn]) {
        dilemmas.add(rules.dilemmas().get(d));
      }
    }
    List<Act> acts = rules.actsFor(seat.hat()); // immutable: the opening keeps it as it is
    return new TurnOpening(
        seat,
        turn,
        quarter(),
        (turn - 1) % rules.turnsPerQuarter + 1,
        rules.turnsPerQuarter,
        budget,
        interruptions,
        budget - interruptions,
        rules.maxOvertimeHours(),
        events,
        dilemmas,
        acts);
  }

  /** The session-wide deck draw of the open turn, or -1. */
  int sessionDraw() {
    return draw(-1, true);
  }

  /** Events hitting team {@code team} in the open turn: scheduled, then session draw, team draw. */
  int[] eventsFor(int team) {
    return eventsFor(team, sessionDraw());
  }

  int[] eventsFor(int team, int session) {
    int[] scheduled = rules.scheduledByTurn[turn];
    int own = draw(team, false);
    int n = scheduled.length + (session >= 0 ? 1 : 0) + (own >= 0 ? 1 : 0);
    int[] out = new int[n];
    int k = 0;
    for (int e : scheduled) {
      out[k++] = e;
    }
    if (session >= 0) {
      out[k++] = session;
    }
    if (own >= 0) {
      out[k] = own;
    }
    return out;
  }

  private int draw(int team, boolean allTeams) {
    if (rules.deck.length == 0 || rules.scenario.getDeckDrawChance() <= 0) {
      return -1;
    }
    SeededRandom rng = SeededRandom.of(seed, turn, team, SeededRandom.STREAM_DECK);
    if (rng.nextDouble() >= rules.scenario.getDeckDrawChance()) {
      return -1;
    }
    double total = 0;
    for (int e : rules.deck) {
      if (eligible(e, allTeams)) {
        total += rules.events().get(e).deckWeight();
      }
    }
    if (total <= 0) {
      return -1;
    }
    double x = rng.nextDouble() * total;
    int last = -1;
    for (int e : rules.deck) {
      if (eligible(e, allTeams)) {
        last = e;
        x -= rules.events().get(e).deckWeight();
        if (x < 0) {
          return e;
        }
      }
    }
    return last;
  }

  private boolean eligible(int e, boolean allTeams) {
    EventCard c = rules.events().get(e);
    return c.allTeams() == allTeams && c.earliestTurn() <= turn;
  }

  // ---------------------------------------------------------------- decisions

  /**
   * Checks a decision against the open turn; nothing is clamped or changed. Rules, in order: the
   * game is not over; the team exists; the hat exists in this mode; the turn is the open one; each
   * act exists, each hour figure is finite and not negative, and the seat's hat may book the act
   * (an explicit 0 on any act is allowed); the total fits free hours plus overtime; each dilemma is
   * open this turn, the seat answers dilemmas, and the option exists.
   */
  public Verdict<AcceptedDecision> validate(SeatDecision decision) {
    return new DecisionCheck(this).decision(decision);
  }

  /**
   * The scenario's default decision for a seat in the open turn: its shares of the seat's free
   * hours on the acts the seat's hat may book, and the default option of each dilemma.
   */
  public AcceptedDecision defaultDecision(Seat seat) {
    requireNonNull(seat, "seat");
    return new DecisionCheck(this).defaultFor(seat);
  }

  /** Checks a facilitator's event for the open turn. */
  public Verdict<AcceptedInjection> validateInjection(InjectedEvent event) {
    return new DecisionCheck(this).injection(event);
  }

  /** Index of a team id, or null. */
  Integer teamIndex(String teamId) {
    return teamIndex.get(teamId);
  }

  // ---------------------------------------------------------------- resolution

  /**
   * Resolves the open turn. Seats without a decision get {@link #defaultDecision(Seat)} and are
   * marked as defaulted in the report.
   *
   * @throws IllegalArgumentException if a decision or injection is for another turn or game, or a
   *     seat has two decisions
   * @throws IllegalStateException if the game is over
   */
  public TurnOutcome resolve(
      Collection<AcceptedDecision> decisions, List<AcceptedInjection> injections) {
    requireNonNull(decisions, "decisions");
    requireNonNull(injections, "injections");
    if (isOver()) {
      throw new IllegalStateException("game over");
    }
    AcceptedDecision[] bySeat = new AcceptedDecision[seats.size()];
    for (AcceptedDecision d : decisions) {
      if (d.turn != turn
          || d.seatIndex >= bySeat.length
          || !seats.get(d.seatIndex).equals(d.seat)) {
        throw new IllegalArgumentException(
            "decision " + d + " is not for this game's turn " + turn);
      }
      if (bySeat[d.seatIndex] != null) {
        throw new IllegalArgumentException("two decisions for seat " + d.seat);
      }
      bySeat[d.seatIndex] = d;
    }
    for (int i = 0; i < bySeat.length; i++) {
      if (bySeat[i] == null) {
        bySeat[i] = defaultDecision(seats.get(i));
      }
    }
    for (AcceptedInjection inj : injections) {
      if (inj.turn != turn || inj.teams.length != teams.length) {
        throw new IllegalArgumentException("injection '" + inj.title + "' is not for turn " + turn);
      }
    }
    return new TurnResolver(this).resolve(bySeat, injections);
  }

  Game next(TeamState[] nextTeams) {
    return new Game(rules, seed, turn + 1, nextTeams, teamIndex, seats);
  }

  // ---------------------------------------------------------------- end of game

  /**
   * SHA-256 of the canonical encoding of this game's state; see {@link StateHash}. A game never
   * changes, so the hash is computed once (a session needs it for its log and its messages).
   */
  public byte[] stateHash() {
    byte[] h = hash;
    if (h == null) {
      h = StateHash.of(this);
      hash = h;
    }
    return h.clone();
  }

  /** {@link #stateHash()} as lowercase hex. */
  public String stateHashHex() {
    String h = hashHex;
    if (h == null) {
      h = StateHash.hex(stateHash());
      hashHex = h;
    }
    return h;
  }

  /** Scores of every team in session order (meaningful once {@link #isOver()}). */
  public List<TeamScore> finalScores() {
    return Scoring.scores(this);
  }

  /** Standings and per-team highlights for the debrief. */
  public Debrief debrief() {
    Debrief d = debrief;
    if (d == null) {
      d = Debrief.of(this);
      debrief = d;
    }
    return d;
  }
}

package org.quarterdeck.server.engine;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.quarterdeck.protocol.v1.ActDefinition;
import org.quarterdeck.protocol.v1.ActShare;
import org.quarterdeck.protocol.v1.CauseLabel;
import org.quarterdeck.protocol.v1.DilemmaDefinition;
import org.quarterdeck.protocol.v1.DilemmaOption;
import org.quarterdeck.protocol.v1.DynamicsCoefficients;
import org.quarterdeck.protocol.v1.EffectDefinition;
import org.quarterdeck.protocol.v1.EventScope;
import org.quarterdeck.protocol.v1.LeadershipRole;
import org.quarterdeck.protocol.v1.Scenario;
import org.quarterdeck.protocol.v1.ScenarioEvent;
import org.quarterdeck.protocol.v1.StateVar;
import org.quarterdeck.protocol.v1.TimeBudgetRules;
import org.quarterdeck.protocol.v1.VariableBound;

/**
 * A scenario compiled for the engine: acts, effects, events and dilemmas indexed into arrays so a
 * turn touches no maps. Build it from a scenario that {@code scenario.ScenarioValidator} accepted;
 * the constructor only re-checks what would break the engine.
 */
public final class Rules {
  final Scenario scenario;
  final DynamicsCoefficients dyn;
  final TimeBudgetRules budget;
  final MultiplayerMode mode;
  final int turnsPerQuarter;
  final int quarters;
  final int totalTurns;
  final double weeksPerTurn;
  final double[] targets;

  private final List<Act> acts;

  /** The acts each hat may book: every opening of a seat offers its hat's list. */
  private final Map<SeatHat, List<Act>> actsByHat = new EnumMap<>(SeatHat.class);

  private final Map<String, Integer> actIndex = new TreeMap<>();
  final EffectDef[][] actEffects;
  final int[] leadershipActs;
  final int[] managementActs;

  private final List<EventCard> events;
  private final Map<String, Integer> eventIndex = new TreeMap<>();
  final EffectDef[][] eventEffects;
  final int[] deck;
  final double deckTotalWeight;
  final int[][] scheduledByTurn;

  private final List<Dilemma> dilemmas;
  private final Map<String, Integer> dilemmaIndex = new TreeMap<>();
  final EffectDef[][][] optionEffects;
  final int[][] dilemmasByTurn;

  final String[] labels;
  private final String[] causeLabels;
  final int slots;
  private final List<SeatHat> hats;
  final int hatCount;
  final EffectDef[] slotDefs;
  final int ring;
  final int hireRing;
  final double[] defaultShares;
  final double[] injectionMax;
  final double[] start;

  /** Compiles a validated scenario. */
  public Rules(Scenario scenario) {
    this.scenario = requireNonNull(scenario, "scenario");
    this.dyn = scenario.getDynamics();
    this.budget = scenario.getBudget();
    this.mode =
        switch (scenario.getMode()) {
          case GAME_MODE_MARKET -> MultiplayerMode.MARKET;
          case GAME_MODE_COMPANY -> MultiplayerMode.COMPANY;
          case GAME_MODE_TWO_HATS -> MultiplayerMode.TWO_HATS;
          default -> throw new IllegalArgumentException("scenario mode is required");
        };
    this.hats =
        mode == MultiplayerMode.TWO_HATS
            ? List.of(SeatHat.LEADER, SeatHat.MANAGER)
            : List.of(SeatHat.BOTH);
    this.hatCount = hats.size();
    this.turnsPerQuarter = scenario.getCalendar().getTurnsPerQuarter();
    this.quarters = scenario.getCalendar().getQuarters();
    this.totalTurns = turnsPerQuarter * quarters;
    this.weeksPerTurn = scenario.getCalendar().getWeeksPerTurn();
    if (turnsPerQuarter < 1 || quarters < 1 || weeksPerTurn <= 0) {
      throw new IllegalArgumentException("calendar is incomplete");
    }
    if (scenario.getQuarterlyTargetsCount() != quarters) {
      throw new IllegalArgumentException("need one target per quarter");
    }
    this.targets =
        scenario.getQuarterlyTargetsList().stream().mapToDouble(Double::doubleValue).toArray();

    List<String> labelList = new ArrayList<>();
    int[] slotCounter = {0};
    int[] maxDelay = {0};

    List<Act> actList = new ArrayList<>();
    actEffects = new EffectDef[scenario.getActsCount()][];
    List<Integer> lead = new ArrayList<>();
    List<Integer> manage = new ArrayList<>();
    for (int i = 0; i < scenario.getActsCount(); i++) {
      ActDefinition a = scenario.getActs(i);
      ActCategory kind =
          switch (a.getKind()) {
            case ACT_KIND_MANAGEMENT -> ActCategory.MANAGEMENT;
            case ACT_KIND_LEADERSHIP -> ActCategory.LEADERSHIP;
            default -> throw new IllegalArgumentException("act " + a.getId() + " has no kind");
          };
      if (actIndex.put(a.getId(), i) != null) {
        throw new IllegalArgumentException("duplicate act " + a.getId());
      }
      (kind == ActCategory.LEADERSHIP ? lead : manage).add(i);
      actList.add(
          new Act(
              i,
              a.getId(),
              a.getName(),
              a.getDescription(),
              kind,
              kind == ActCategory.LEADERSHIP
                  ? a.getRole()
                  : LeadershipRole.LEADERSHIP_ROLE_UNSPECIFIED,
              Var.of(a.getAimsAt())));
      actEffects[i] = compile(a.getEffectsList(), labelList, slotCounter, maxDelay);
    }
    this.acts = Collections.unmodifiableList(actList);
    for (SeatHat hat : hats) {
      List<Act> bookable = new ArrayList<>();
      for (Act a : actList) {
        if (hat.mayBook(a.kind())) {
          bookable.add(a);
        }
      }
      actsByHat.put(hat, List.copyOf(bookable));
    }
    this.leadershipActs = lead.stream().mapToInt(Integer::intValue).toArray();
    this.managementActs = manage.stream().mapToInt(Integer::intValue).toArray();

    List<EventCard> eventList = new ArrayList<>();
    eventEffects = new EffectDef[scenario.getEventsCount()][];
    List<Integer> deckList = new ArrayList<>();
    double weight = 0;
    List<List<Integer>> byTurn = new ArrayList<>();
    for (int t = 0; t <= totalTurns; t++) {
      byTurn.add(new ArrayList<>());
    }
    for (int i = 0; i < scenario.getEventsCount(); i++) {
      ScenarioEvent e = scenario.getEvents(i);
      if (eventIndex.put(e.getId(), i) != null) {
        throw new IllegalArgumentException("duplicate event " + e.getId());
      }
      eventList.add(
          new EventCard(
              i,
              e.getId(),
              e.getTitle(),
              e.getNarrative(),
              e.getScope() == EventScope.EVENT_SCOPE_ALL,
              e.getTurn(),
              e.getDeckWeight(),
              e.getEarliestTurn()));
      eventEffects[i] = compile(e.getEffectsList(), labelList, slotCounter, maxDelay, e.getTitle());
      if (e.getDeckWeight() > 0) {
        deckList.add(i);
        weight += e.getDeckWeight();
      }
      if (e.getTurn() > 0 && e.getTurn() <= totalTurns) {
        byTurn.get(e.getTurn()).add(i);
      }
    }
    this.events = Collections.unmodifiableList(eventList);
    this.deck = deckList.stream().mapToInt(Integer::intValue).toArray();
    this.deckTotalWeight = weight;
    this.scheduledByTurn =
        byTurn.stream()
            .map(l -> l.stream().mapToInt(Integer::intValue).toArray())
            .toArray(int[][]::new);

    List<Dilemma> dilemmaList = new ArrayList<>();
    optionEffects = new EffectDef[scenario.getDilemmasCount()][][];
    List<List<Integer>> dilByTurn = new ArrayList<>();
    for (int t = 0; t <= totalTurns; t++) {
      dilByTurn.add(new ArrayList<>());
    }
    for (int i = 0; i < scenario.getDilemmasCount(); i++) {
      DilemmaDefinition d = scenario.getDilemmas(i);
      if (dilemmaIndex.put(d.getId(), i) != null) {
        throw new IllegalArgumentException("duplicate dilemma " + d.getId());
      }
      List<Dilemma.Option> options = new ArrayList<>();
      optionEffects[i] = new EffectDef[d.getOptionsCount()][];
      int def = -1;
      for (int o = 0; o < d.getOptionsCount(); o++) {
        DilemmaOption opt = d.getOptions(o);
        options.add(new Dilemma.Option(opt.getId(), opt.getText(), opt.getStance()));
        optionEffects[i][o] =
            compile(opt.getEffectsList(), labelList, slotCounter, maxDelay, d.getTitle());
        if (opt.getId().equals(d.getDefaultOption())) {
          def = o;
        }
      }
      if (def < 0) {
        throw new IllegalArgumentException("dilemma " + d.getId() + " has no default option");
      }
      dilemmaList.add(
          new Dilemma(i, d.getId(), d.getTitle(), d.getText(), d.getTurn(), options, def));
      if (d.getTurn() >= 1 && d.getTurn() <= totalTurns) {
        dilByTurn.get(d.getTurn()).add(i);
      }
    }
    this.dilemmas = Collections.unmodifiableList(dilemmaList);
    this.dilemmasByTurn =
        dilByTurn.stream()
            .map(l -> l.stream().mapToInt(Integer::intValue).toArray())
            .toArray(int[][]::new);

    this.labels = labelList.toArray(new String[0]);
    this.causeLabels = new String[Cause.values().length];
    for (Cause c : Cause.values()) {
      causeLabels[c.ordinal()] = c.label();
    }
    for (CauseLabel cl : scenario.getCauseLabelsList()) {
      causeLabels[Cause.valueOf(cl.getCause()).ordinal()] = cl.getLabel();
    }
    this.slots = slotCounter[0];
    this.slotDefs = new EffectDef[slots];
    for (EffectDef[] list : actEffects) {
      register(list);
    }
    for (EffectDef[] list : eventEffects) {
      register(list);
    }
    for (EffectDef[][] options : optionEffects) {
      for (EffectDef[] list : options) {
        register(list);
      }
    }
    this.ring = maxDelay[0] + 1;
    this.hireRing = dyn.getHiringDelayTurns() + 1;

    this.defaultShares = new double[acts.size()];
    for (ActShare s : scenario.getDefaultDecisionList()) {
      Integer idx = actIndex.get(s.getAct());
      if (idx == null) {
        throw new IllegalArgumentException("default decision names unknown act " + s.getAct());
      }
      defaultShares[idx] += s.getShare();
    }
    this.injectionMax = new double[Var.COUNT];
    java.util.Arrays.fill(injectionMax, Double.NaN);
    for (VariableBound b : scenario.getInjectionLimitsList()) {
      injectionMax[Var.of(b.getVar()).ordinal()] = b.getMaxAbs();
    }
    var s = scenario.getStart();
    this.start = new double[Var.COUNT];
    start[Var.MORALE.ordinal()] = s.getMorale();
    start[Var.TRUST.ordinal()] = s.getTrust();
    start[Var.CAPABILITY.ordinal()] = s.getCapability();
    start[Var.STRESS.ordinal()] = s.getStress();
    start[Var.COMPLACENCY.ordinal()] = s.getComplacency();
    start[Var.ADOPTION.ordinal()] = s.getAdoption();
    start[Var.CLARITY.ordinal()] = s.getClarity();
    start[Var.HEADCOUNT.ordinal()] = s.getHeadcount();
    start[Var.LEADER_ENERGY.ordinal()] = s.getLeaderEnergy();
    start[Var.BOSS_CONFIDENCE.ordinal()] = s.getBossConfidence();
    start[Var.EFFICIENCY.ordinal()] = s.getEfficiency();
    start[Var.INTEGRITY.ordinal()] = s.getIntegrity();
    start[Var.TARGET.ordinal()] = targets[0];
    start[Var.MANAGER_ENERGY.ordinal()] = s.getLeaderEnergy();
    start[Var.INTERRUPTIONS.ordinal()] =
        budget.getBaseInterruptionHours() + anxiousBossHours(s.getBossConfidence());
  }

  private void register(EffectDef[] list) {
    for (EffectDef e : list) {
      if (e.slot() >= 0) {
        slotDefs[e.slot()] = e;
      }
    }
  }

  private static EffectDef[] compile(
      List<EffectDefinition> effects, List<String> labels, int[] slotCounter, int[] maxDelay) {
    return compile(effects, labels, slotCounter, maxDelay, null);
  }

  private static EffectDef[] compile(
      List<EffectDefinition> effects,
      List<String> labels,
      int[] slotCounter,
      int[] maxDelay,
      String fallbackLabel) {
    EffectDef[] out = new EffectDef[effects.size()];
    for (int i = 0; i < out.length; i++) {
      EffectDefinition e = effects.get(i);
      String label = e.getLabel().isEmpty() ? fallbackLabel : e.getLabel();
      if (label == null || label.isEmpty()) {
        throw new IllegalArgumentException("effect without label");
      }
      int labelId = labels.indexOf(label);
      if (labelId < 0) {
        labelId = labels.size();
        labels.add(label);
      }
      int delay = e.getDelayTurns();
      maxDelay[0] = StrictMath.max(maxDelay[0], delay);
      int scaleBy =
          e.getScaleBy() == StateVar.VAR_UNSPECIFIED ? -1 : Var.of(e.getScaleBy()).ordinal();
      out[i] =
          new EffectDef(
              Var.of(e.getVar()).ordinal(),
              e.getAmount(),
              delay,
              e.getSaturationHours(),
              labelId,
              scaleBy,
              e.getScaleByComplement(),
              delay > 0 ? slotCounter[0]++ : -1);
    }
    return out;
  }

  /**
   * Interruption hours an anxious boss adds: more report requests for every point of confidence
   * below 50. Part of the team's interruption hours, so a report shows it as a cause.
   */
  double anxiousBossHours(double bossConfidence) {
    return dyn.getInterruptionsPerLowConfidence() * StrictMath.max(0.0, 50.0 - bossConfidence);
  }

  /** The scenario these rules were compiled from. */
  public Scenario scenario() {
    return scenario;
  }

  /** The scenario's id. */
  public String id() {
    return scenario.getId();
  }

  /** The multiplayer mode. */
  public MultiplayerMode mode() {
    return mode;
  }

  /** Turns in one quarter. */
  public int turnsPerQuarter() {
    return turnsPerQuarter;
  }

  /** Quarters in one game. */
  public int quarters() {
    return quarters;
  }

  /** Turns in one game. */
  public int totalTurns() {
    return totalTurns;
  }

  /** Target of a 0-based quarter. */
  public double target(int quarter) {
    return targets[quarter];
  }

  /** The acts, in scenario order. */
  public List<Act> acts() {
    return acts;
  }

  /** The acts a seat of {@code hat} (one of {@link #hats()}) may book, in scenario order. */
  List<Act> actsFor(SeatHat hat) {
    List<Act> bookable = actsByHat.get(hat);
    if (bookable == null) {
      throw new IllegalArgumentException("hat " + hat + " does not exist in " + mode);
    }
    return bookable;
  }

  /** The act with this id, or -1. */
  public int actIndex(String id) {
    Integer i = actIndex.get(id);
    return i == null ? -1 : i;
  }

  /** Events of the scenario, in scenario order. */
  public List<EventCard> events() {
    return events;
  }

  /** The event with this id, or -1. */
  public int eventIndex(String id) {
    Integer i = eventIndex.get(id);
    return i == null ? -1 : i;
  }

  /** Dilemmas of the scenario, in scenario order. */
  public List<Dilemma> dilemmas() {
    return dilemmas;
  }

  /** The dilemma with this id, or -1. */
  public int dilemmaIndex(String id) {
    Integer i = dilemmaIndex.get(id);
    return i == null ? -1 : i;
  }

  /** The hats of a team's seats: LEADER and MANAGER in two-hats mode, else BOTH. */
  public List<SeatHat> hats() {
    return hats;
  }

  /** Contracted hours per turn of a seat wearing {@code hat}. */
  public double hoursPerTurn(SeatHat hat) {
    return switch (hat) {
      case BOTH -> budget.getHoursPerTurn();
      case LEADER -> scenario.getTwoHats().getLeaderHoursPerTurn();
      case MANAGER -> scenario.getTwoHats().getManagerHoursPerTurn();
    };
  }

  /** Share of the team's interruptions that land on {@code hat}. */
  double interruptionShare(SeatHat hat) {
    return switch (hat) {
      case BOTH -> 1.0;
      case LEADER -> scenario.getTwoHats().getLeaderInterruptionShare();
      case MANAGER -> 1.0 - scenario.getTwoHats().getLeaderInterruptionShare();
    };
  }

  /** Largest hours beyond the budget a seat may book. */
  public double maxOvertimeHours() {
    return budget.getMaxOvertimeHours();
  }

  String label(int id) {
    return id < causeLabels.length ? causeLabels[id] : labels[id - causeLabels.length];
  }

  /** The text the reports of this scenario use for an engine cause. */
  public String label(Cause cause) {
    return causeLabels[cause.ordinal()];
  }
}

package org.quarterdeck.server.engine;

import java.util.List;
import org.quarterdeck.protocol.v1.DynamicsCoefficients;

/**
 * The turn function: (game, decisions, injected events) -> (next game, what happened). Each team is
 * resolved on its own (acts, delayed effects, dilemmas, events, dynamics, adoption, attrition,
 * output), then the mode couples them (market shares, company culture), then the quarter closes if
 * it ends. All randomness comes from {@link SeededRandom} streams of (seed, turn, team).
 */
final class TurnResolver {
  private static final int MORALE = Var.MORALE.ordinal();
  private static final int TRUST = Var.TRUST.ordinal();
  private static final int CAPABILITY = Var.CAPABILITY.ordinal();
  private static final int STRESS = Var.STRESS.ordinal();
  private static final int COMPLACENCY = Var.COMPLACENCY.ordinal();
  private static final int ADOPTION = Var.ADOPTION.ordinal();
  private static final int CLARITY = Var.CLARITY.ordinal();
  private static final int HEADCOUNT = Var.HEADCOUNT.ordinal();
  private static final int BOSS = Var.BOSS_CONFIDENCE.ordinal();
  private static final int RESULTS = Var.RESULTS.ordinal();
  private static final int TARGET = Var.TARGET.ordinal();
  private static final int EFFICIENCY = Var.EFFICIENCY.ordinal();
  private static final int READINESS = Var.READINESS.ordinal();
  private static final int DRIVE = Var.CHANGE_DRIVE.ordinal();
  private static final int INTERRUPTIONS = Var.INTERRUPTIONS.ordinal();

  private static final int ACT_HOURS = Var.ACT_HOURS.ordinal();
  private static final int INTEGRITY = Var.INTEGRITY.ordinal();

  /** {@link Var#min()} and {@link Var#max()} by ordinal. */
  private static final double[] MIN = new double[Var.COUNT];

  private static final double[] MAX = new double[Var.COUNT];

  static {
    for (Var v : Var.ALL) {
      MIN[v.ordinal()] = v.min();
      MAX[v.ordinal()] = v.max();
    }
  }

  private final Game game;
  private final Rules rules;
  private final DynamicsCoefficients dyn;
  private final int turn;

  /** Effective hours per act of the team being resolved (all its seats together). */
  private final double[] effective;

  // per-team results of pass one
  private final double[][] values;
  private final double[][] pending;
  private final double[][] hires;
  private final AttributionLedger log;
  private final double[] output;
  private final int[][] events;
  private final int[][] chosen;
  private int sessionDraw;

  TurnResolver(Game game) {
    this.game = game;
    this.rules = game.rules;
    this.dyn = rules.dyn;
    this.turn = game.turn;
    this.effective = new double[rules.acts().size()];
    int n = game.teams.length;
    values = new double[n][];
    pending = new double[n][];
    hires = new double[n][];
    log = new AttributionLedger(n);
    output = new double[n];
    events = new int[n][];
    chosen = new int[n][];
  }

  TurnOutcome resolve(AcceptedDecision[] bySeat, List<AcceptedInjection> injections) {
    int n = game.teams.length;
    int hats = rules.hatCount;
    sessionDraw = game.sessionDraw();
    for (int i = 0; i < n; i++) {
      resolveTeam(i, bySeat, i * hats, hats, injections);
    }
    if (n > 1 && rules.mode == MultiplayerMode.MARKET) {
      market(n);
    }
    if (n > 1 && rules.mode == MultiplayerMode.COMPANY) {
      culture(n);
    }
    for (int i = 0; i < n; i++) {
      clamp(i);
    }
    QuarterResult[] closed = null;
    if (turn % rules.turnsPerQuarter == 0) {
      closed = new QuarterResult[n];
      for (int i = 0; i < n; i++) {
        closed[i] = closeQuarter(i);
        clamp(i);
      }
    }
    for (int i = 0; i < n; i++) {
      anxiousBoss(i);
    }
    TeamState[] next = new TeamState[n];
    for (int i = 0; i < n; i++) {
      TeamState s = game.teams[i];
      double[] qr = s.quarterResults;
      double[] qt = s.quarterTargets;
      if (closed != null) {
        int q = (turn - 1) / rules.turnsPerQuarter;
        qr = qr.clone();
        qt = qt.clone();
        qr[q] = closed[i].results();
        qt[q] = closed[i].target();
      }
      next[i] = new TeamState(s.id, i, values[i], pending[i], hires[i], qr, qt);
    }
    return new TurnOutcome(game, game.next(next), bySeat, log, events, injections, chosen, closed);
  }

  private void add(int i, int var, Cause cause, double amount) {
    if (amount != 0.0) {
      values[i][var] += amount;
      log.add(i, var, cause.ordinal(), turn, amount);
    }
  }

  private void apply(int i, EffectDef e, double amount, int originTurn) {
    if (amount == 0.0) {
      return;
    }
    if (e.delay() == 0) {
      values[i][e.var()] += amount;
      log.add(i, e.var(), AttributionLedger.CAUSES + e.label(), originTurn, amount);
    } else {
      pending[i][((turn + e.delay()) % rules.ring) * rules.slots + e.slot()] += amount;
    }
  }

  private static double scaled(EffectDef e, double amount, double[] was) {
    if (e.scaleBy() < 0) {
      return amount;
    }
    double max = e.scaleBy() == ADOPTION ? 1.0 : 100.0;
    double share = clamp01(was[e.scaleBy()] / max);
    return amount * (e.complement() ? 1.0 - share : share);
  }

  private void resolveTeam(
      int i,
      AcceptedDecision[] bySeat,
      int firstSeat,
      int hats,
      List<AcceptedInjection> injections) {
    TeamState team = game.teams[i];
    double[] was = team.values;
    values[i] = was.clone();
    pending[i] = team.pending.clone();
    hires[i] = team.hires.clone();
    SeededRandom rng = SeededRandom.of(game.seed, turn, i, SeededRandom.STREAM_TEAM);

    // delayed effects of earlier turns land now
    int row = (turn % rules.ring) * rules.slots;
    double[] due = pending[i];
    for (int k = 0; k < rules.slots; k++) {
      double amount = due[row + k];
      if (amount != 0.0) {
        EffectDef e = rules.slotDefs[k];
        values[i][e.var()] += amount;
        log.add(i, e.var(), AttributionLedger.CAUSES + e.label(), turn - e.delay(), amount);
        due[row + k] = 0.0;
      }
    }

    time(i, was, bySeat, firstSeat, hats);

    // acts: diminishing returns on the hours of all the team's seats together
    for (int a = 0; a < effective.length; a++) {
      if (effective[a] > 0) {
        for (EffectDef e : rules.actEffects[a]) {
          apply(i, e, scaled(e, e.forHours(effective[a]), was), turn);
        }
      }
    }

    // dilemmas open this turn: the LEADER (or BOTH) seat answers
    int[] open = rules.dilemmasByTurn[turn];
    chosen[i] = new int[open.length];
    AcceptedDecision answering = bySeat[firstSeat];
    for (int k = 0; k < open.length; k++) {
      int dilemma = open[k];
      int option = answering.choices[dilemma];
      if (option < 0) {
        option = rules.dilemmas().get(dilemma).defaultOption();
      }
      chosen[i][k] = option;
      for (EffectDef e : rules.optionEffects[dilemma][option]) {
        apply(i, e, scaled(e, e.amount(), was), turn);
      }
    }

    // events: scheduled and drawn (announced at the opening), then injected ones
    events[i] = game.eventsFor(i, sessionDraw);
    for (int e : events[i]) {
      for (EffectDef fx : rules.eventEffects[e]) {
        apply(i, fx, scaled(fx, fx.amount(), was), turn);
      }
    }
    for (AcceptedInjection inj : injections) {
      if (!inj.teams[i]) {
        continue;
      }
      if (inj.eventIndex >= 0) {
        for (EffectDef fx : rules.eventEffects[inj.eventIndex]) {
          apply(i, fx, scaled(fx, fx.amount(), was), turn);
        }
      } else {
        int label = log.customLabel(inj.title);
        for (int k = 0; k < inj.vars.length; k++) {
          values[i][inj.vars[k]] += inj.amounts[k];
          log.add(i, inj.vars[k], label, turn, inj.amounts[k]);
        }
      }
    }

    dynamics(i, was);
    adoption(i, was, rng);
    people(i, rng);
    produce(i, rng);
  }

  /**
   * Time: interruptions first, then the booked hours, bent by Pencavel's curve of output per hour
   * (by the hours the seat worked, interruptions included) and by the seat's energy. The cut both
   * make shows in ACT_HOURS. Overtime drains the seat's energy, faster the more there is of it
   * (fatigue as a stock: Homer 1984, Abdel-Hamid & Madnick); a tired leader stresses the team.
   */
  private void time(int i, double[] was, AcceptedDecision[] bySeat, int firstSeat, int hats) {
    TeamState team = game.teams[i];
    java.util.Arrays.fill(effective, 0.0);
    double knee = rules.budget.getKneeHoursPerWeek();
    double peak = rules.budget.getPeakHoursPerWeek();
    double floor = dyn.getEnergyFloor();
    double booked = 0;
    double longHoursCut = 0;
    double tiredCut = 0;
    double tiredPoints = 0;
    for (int h = 0; h < hats; h++) {
      AcceptedDecision decision = bySeat[firstSeat + h];
      SeatHat hat = decision.seat.hat();
      int energy = hat.energy().ordinal();
      double seatBooked = decision.totalHours();
      double worked = game.seatInterruptions(team, hat) + seatBooked;
      double overtime = StrictMath.max(0.0, worked - rules.hoursPerTurn(hat));
      double pencavel = Pencavel.factor(worked / rules.weeksPerTurn, knee, peak);
      double rested = floor + (1.0 - floor) * clamp01(was[energy] / 100.0);
      for (int a = 0; a < effective.length; a++) {
        effective[a] += decision.hours[a] * pencavel * rested;
      }
      booked += seatBooked;
      longHoursCut += seatBooked * (1.0 - pencavel);
      tiredCut += seatBooked * pencavel * (1.0 - rested);
      if (overtime > 0) {
        double doubling = dyn.getOvertimeDrainDoublingHours();
        double perHour =
            rules.budget.getOvertimeEnergyDrain()
                * (doubling > 0 ? 1.0 + overtime / doubling : 1.0);
        add(i, energy, Cause.OVERTIME, -perHour * overtime);
      } else {
        add(i, energy, Cause.REST, rules.budget.getEnergyRecovery());
      }
      tiredPoints += StrictMath.max(0.0, dyn.getTiredEnergyThreshold() - was[energy]) / hats;
    }
    add(i, ACT_HOURS, Cause.LAST_TURN_HOURS, -was[ACT_HOURS]);
    add(i, ACT_HOURS, Cause.HOURS_BOOKED, booked);
    add(i, ACT_HOURS, Cause.LONG_HOURS, -longHoursCut);
    add(i, ACT_HOURS, Cause.TIRED_LEADER, -tiredCut);
    add(i, STRESS, Cause.TIRED_LEADER, dyn.getStressPerTiredPoint() * tiredPoints);
    add(i, MORALE, Cause.TIRED_LEADER, -dyn.getMoralePerTiredPoint() * tiredPoints);
  }

  private void dynamics(int i, double[] was) {
    add(i, MORALE, Cause.NO_RECOGNITION, -dyn.getMoraleNeglect());
    add(
        i,
        MORALE,
        Cause.WORKLOAD_STRESS,
        -dyn.getMoralePerStress()
            * StrictMath.max(0.0, was[STRESS] - dyn.getMoraleStressThreshold()));
    add(i, STRESS, Cause.STRESS_RECOVERY, -dyn.getStressRecovery() * was[STRESS]);
    int turnInQuarter = (turn - 1) % rules.turnsPerQuarter;
    double expected = was[TARGET] * turnInQuarter / rules.turnsPerQuarter;
    if (was[TARGET] > 0 && expected > was[RESULTS]) {
      add(
          i,
          STRESS,
          Cause.BEHIND_TARGET,
          dyn.getStressPerTargetGap() * 10.0 * (expected - was[RESULTS]) / was[TARGET]);
    }
    add(i, CAPABILITY, Cause.SKILLS_GO_STALE, -dyn.getCapabilityDecay());
    add(i, CLARITY, Cause.CLARITY_FADES, -dyn.getClarityDecay() * was[CLARITY]);
    add(i, TRUST, Cause.TRUST_FOLLOWS_MORALE, dyn.getTrustDrift() * (was[MORALE] - was[TRUST]));
    add(
        i,
        TRUST,
        Cause.TRUST_FOLLOWS_INTEGRITY,
        dyn.getTrustIntegrityDrift() * (was[INTEGRITY] - was[TRUST]));
    add(i, INTEGRITY, Cause.INTEGRITY_FADES, -dyn.getIntegrityDecay());
    add(i, COMPLACENCY, Cause.SUCCESS_BREEDS_COMPLACENCY, dyn.getComplacencyGrowth());
    add(i, EFFICIENCY, Cause.PROCESS_DRIFT, -dyn.getEfficiencyDecay() * was[EFFICIENCY]);
    add(i, READINESS, Cause.READINESS_FADES, -dyn.getReadinessDecay() * was[READINESS]);
    add(i, DRIVE, Cause.CHANGE_LOSES_MOMENTUM, -dyn.getDriveDecay() * was[DRIVE]);
  }

  /**
   * Bass diffusion, with Kotter's warning that most change efforts stall: while the drive is low
   * and the new way not yet anchored, the effort may stall (the draw is made every turn so that two
   * strategies on one seed meet the same luck).
   */
  private void adoption(int i, double[] was, SeededRandom rng) {
    double[] x = values[i];
    double drive = clamp01(x[DRIVE] / 100.0);
    double brake = 1.0 - dyn.getComplacencyBrake() * clamp01(x[COMPLACENCY] / 100.0);
    double p =
        (dyn.getBassPPerDrive() * drive + dyn.getBassPPerClarity() * clamp01(x[CLARITY] / 100.0))
            * brake;
    double wt = dyn.getBassQTrustWeight();
    double wc = dyn.getBassQClarityWeight();
    double q =
        dyn.getBassQ()
            * (wt * clamp01(x[TRUST] / 100.0)
                + wc * clamp01(x[CLARITY] / 100.0)
                + StrictMath.max(0.0, 1 - wt - wc) * clamp01(x[MORALE] / 100.0))
            * brake;
    double a = clamp01(was[ADOPTION]);
    add(i, ADOPTION, Cause.NEW_ADOPTERS, Adoption.newAdopters(a, p, q));
    double anchored = dyn.getAnchoredAdoption();
    boolean loose = anchored <= 0 || a < anchored;
    if (loose) {
      add(i, ADOPTION, Cause.ADOPTERS_SLIDE_BACK, -dyn.getAdoptionRelapse() * a * (1.0 - drive));
    }
    double threshold = dyn.getStallDriveThreshold();
    double draw = rng.nextDouble();
    if (loose
        && threshold > 0
        && x[DRIVE] < threshold
        && draw < dyn.getStallChance() * (1.0 - x[DRIVE] / threshold)) {
      add(i, DRIVE, Cause.CHANGE_STALLED, -x[DRIVE]);
      add(i, ADOPTION, Cause.CHANGE_STALLED, -dyn.getStallRelapse() * clamp01(x[ADOPTION]));
    }
  }

  private void people(int i, SeededRandom rng) {
    double[] x = values[i];
    int slot = turn % rules.hireRing;
    double arriving = hires[i][slot];
    if (arriving > 0) {
      hires[i][slot] = 0;
      double hc = x[HEADCOUNT];
      double capAfter =
          (x[CAPABILITY] * hc + dyn.getNewHireCapability() * arriving) / (hc + arriving);
      add(i, HEADCOUNT, Cause.NEW_HIRES, arriving);
      add(i, CAPABILITY, Cause.NEW_HIRES_RAMP_UP, capAfter - x[CAPABILITY]);
    }
    double threshold =
        dyn.getAttritionStressThreshold() > 0 ? dyn.getAttritionStressThreshold() : 60.0;
    double chance =
        (dyn.getAttritionBase()
                + dyn.getAttritionLowMorale() * StrictMath.max(0.0, 50.0 - x[MORALE]) / 50.0
                + dyn.getAttritionHighStress()
                    * StrictMath.max(0.0, x[STRESS] - threshold)
                    / (100.0 - threshold))
            * (1.0 - dyn.getAttritionIntegrityCut() * clamp01(x[INTEGRITY] / 100.0));
    int people = (int) x[HEADCOUNT];
    int leavers = 0;
    for (int k = 0; k < people; k++) {
      if (rng.nextDouble() < chance) {
        leavers++;
      }
    }
    leavers = StrictMath.min(leavers, people - 1);
    if (leavers > 0) {
      add(i, HEADCOUNT, Cause.LEAVERS, -leavers);
      add(i, MORALE, Cause.TURNOVER_HURTS, -dyn.getMoralePerLeaver() * leavers);
      hires[i][(turn + dyn.getHiringDelayTurns()) % rules.hireRing] += leavers;
    }
  }

  private void produce(int i, SeededRandom rng) {
    double[] x = values[i];
    double base = x[HEADCOUNT] * dyn.getOutputPerPerson() * clamp01(x[CAPABILITY] / 100.0);
    add(i, RESULTS, Cause.TEAM_OUTPUT, base);
    double out = base;
    double morale =
        1.0 + dyn.getMoraleProductivityGain() * (clamp01(x[MORALE] / 100.0) * 2.0 - 1.0);
    out = factor(i, out, morale, Cause.MORALE_EFFECT);
    double s = StrictMath.max(0.0, StrictMath.min(100.0, x[STRESS]));
    double opt = dyn.getStressOptimum();
    double stress =
        s >= opt
            ? 1.0 - dyn.getBurnoutLoss() * sq((s - opt) / (100.0 - opt))
            : 1.0 - dyn.getIdleLoss() * sq((opt - s) / opt);
    out = factor(i, out, stress, Cause.STRESS_EFFECT);
    out =
        factor(
            i,
            out,
            1.0 + dyn.getClarityProductivityGain() * (clamp01(x[CLARITY] / 100.0) - 0.5),
            Cause.CLARITY_EFFECT);
    out =
        factor(
            i,
            out,
            1.0 + dyn.getEfficiencyProductivityGain() * (clamp01(x[EFFICIENCY] / 100.0) - 0.5),
            Cause.EFFICIENCY_EFFECT);
    double adopted = clamp01(x[ADOPTION]);
    double pressure = pressure();
    out = factor(i, out, 1.0 - pressure * (1.0 - adopted), Cause.COMPETITIVE_PRESSURE);
    double urgency = dyn.getPressureMax() > 0 ? pressure / dyn.getPressureMax() : 0.0;
    out =
        factor(
            i,
            out,
            1.0 - dyn.getComplacencyOutputLoss() * clamp01(x[COMPLACENCY] / 100.0) * urgency,
            Cause.COMPLACENT_TEAM);
    out = factor(i, out, 1.0 + dyn.getAdoptionPremium() * adopted, Cause.NEW_WAY_PREMIUM);
    out = factor(i, out, 1.0 + dyn.getOutputNoise() * rng.nextNormal(), Cause.MONTHLY_VARIATION);
    double incident = dyn.getIncidentChance() * (1.0 - clamp01(x[READINESS] / 100.0));
    if (rng.nextDouble() < incident) {
      double loss = dyn.getIncidentLoss() * out;
      add(i, RESULTS, Cause.INCIDENT, -loss);
      out -= loss;
    }
    output[i] = out;
  }

  /** Competitive pressure in the open turn (rises every turn, Kotter). */
  private double pressure() {
    return StrictMath.min(
        dyn.getPressureMax(), dyn.getPressureStart() + dyn.getPressureGrowth() * (turn - 1));
  }

  private double factor(int i, double out, double f, Cause cause) {
    add(i, RESULTS, cause, out * (f - 1.0));
    return out * f;
  }

  private void market(int n) {
    double elasticity = rules.scenario.getMarket().getElasticity();
    if (elasticity == 0) {
      return;
    }
    double aw = rules.scenario.getMarket().getAdoptionWeight();
    double cw = rules.scenario.getMarket().getCapabilityWeight();
    double[] attract = new double[n];
    double mean = 0;
    for (int i = 0; i < n; i++) {
      attract[i] =
          (1 + aw * clamp01(values[i][ADOPTION]))
              * (1 + cw * clamp01(values[i][CAPABILITY] / 100.0));
      mean += attract[i];
    }
    mean /= n;
    for (int i = 0; i < n; i++) {
      double share = StrictMath.pow(attract[i] / mean, elasticity);
      add(i, RESULTS, Cause.MARKET_SHARE, output[i] * (share - 1.0));
    }
  }

  private void culture(int n) {
    double k = rules.scenario.getCompany().getCultureCoupling();
    double morale = 0;
    double trust = 0;
    for (int i = 0; i < n; i++) {
      morale += values[i][MORALE];
      trust += values[i][TRUST];
    }
    morale /= n;
    trust /= n;
    for (int i = 0; i < n; i++) {
      add(i, MORALE, Cause.COMPANY_CULTURE, k * (morale - values[i][MORALE]));
      add(i, TRUST, Cause.COMPANY_CULTURE, k * (trust - values[i][TRUST]));
    }
  }

  private QuarterResult closeQuarter(int i) {
    double[] x = values[i];
    double res = x[RESULTS];
    double target = x[TARGET];
    int q = (turn - 1) / rules.turnsPerQuarter;
    if (res >= target) {
      add(i, BOSS, Cause.QUARTER_HIT, dyn.getBossConfidenceHit());
      double beat = target > 0 ? (res / target - 1.0) * 100.0 : 0.0;
      add(
          i,
          COMPLACENCY,
          Cause.SUCCESS_BREEDS_COMPLACENCY,
          dyn.getComplacencyPerSuccessPct() * beat);
      double base = rules.budget.getBaseInterruptionHours() + rules.anxiousBossHours(x[BOSS]);
      double relief =
          StrictMath.min(
              rules.budget.getInterruptionReliefPerHit(),
              StrictMath.max(0.0, x[INTERRUPTIONS] - base));
      add(i, INTERRUPTIONS, Cause.QUARTER_HIT, -relief);
    } else {
      double missPct = target > 0 ? (1.0 - res / target) * 100.0 : 0.0;
      add(i, BOSS, Cause.QUARTER_MISSED, -dyn.getBossConfidencePerMissPct() * missPct);
      add(i, INTERRUPTIONS, Cause.QUARTER_MISSED, rules.budget.getInterruptionGrowthPerMiss());
    }
    add(i, RESULTS, Cause.QUARTER_RESET, -res);
    if (q + 1 < rules.quarters) {
      add(i, TARGET, Cause.NEW_TARGET, rules.targets[q + 1] - target);
    }
    return new QuarterResult(game.teams[i].id, q + 1, res, target);
  }

  /**
   * The anxious boss's extra report requests for next turn follow the boss's confidence as it
   * stands after this turn; the change is booked on the interruption hours with its own cause.
   */
  private void anxiousBoss(int i) {
    double before = rules.anxiousBossHours(game.teams[i].values[BOSS]);
    double after = rules.anxiousBossHours(values[i][BOSS]);
    add(i, INTERRUPTIONS, Cause.ANXIOUS_BOSS, after - before);
    clamp(i);
  }

  /**
   * Keeps every variable of team {@code i} within its limits (a cut shows as {@link Cause#LIMIT}).
   */
  private void clamp(int i) {
    double[] x = values[i];
    for (int k = 0; k < Var.COUNT; k++) {
      // one small loop, called three times per team, that the JIT compiler inlines: the rare cut
      // is a call of its own
      if (x[k] < MIN[k] || x[k] > MAX[k]) {
        limit(i, k);
      }
    }
  }

  private void limit(int i, int k) {
    double[] x = values[i];
    if (x[k] < MIN[k]) {
      add(i, k, Cause.LIMIT, MIN[k] - x[k]);
      x[k] = MIN[k];
    } else {
      add(i, k, Cause.LIMIT, MAX[k] - x[k]);
      x[k] = MAX[k];
    }
  }

  private static double clamp01(double x) {
    return x < 0 ? 0 : (x > 1 ? 1 : x);
  }

  private static double sq(double x) {
    return x * x;
  }
}

package org.quarterdeck.server.engine;

import java.util.List;
import org.quarterdeck.protocol.v1.DynamicsCoefficients;

/**
 * The turn function: (game, decisions, injected events) -> (next game, what happened). Each team is
 * resolved on its own (acts, delayed effects, dilemmas, events, dynamics, adoption, attrition,
 * output), then the mode couples them (market shares, company culture), then the quarter closes
 * if it ends. All randomness comes from {@link SeededRandom} streams of (seed, turn, team).
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
  private static final int ENERGY = Var.LEADER_ENERGY.ordinal();
  private static final int BOSS = Var.BOSS_CONFIDENCE.ordinal();
  private static final int RESULTS = Var.RESULTS.ordinal();
  private static final int TARGET = Var.TARGET.ordinal();
  private static final int EFFICIENCY = Var.EFFICIENCY.ordinal();
  private static final int READINESS = Var.READINESS.ordinal();
  private static final int DRIVE = Var.CHANGE_DRIVE.ordinal();
  private static final int INTERRUPTIONS = Var.INTERRUPTIONS.ordinal();

  private final Game g;
  private final Rules r;
  private final DynamicsCoefficients d;
  private final int t;
  private final double[] effective;

  // per-team results of pass one
  private final double[][] v;
  private final double[][] pending;
  private final double[][] hires;
  private final AttributionLedger log;
  private final double[] output;
  private final int[][] events;
  private final int[][] chosen;
  private int sessionDraw;

  TurnResolver(Game g) {
    this.g = g;
    this.r = g.rules;
    this.d = r.dyn;
    this.t = g.turn;
    this.effective = new double[r.acts().size()];
    int n = g.teams.length;
    v = new double[n][];
    pending = new double[n][];
    hires = new double[n][];
    log = new AttributionLedger(n);
    output = new double[n];
    events = new int[n][];
    chosen = new int[n][];
  }

  TurnOutcome resolve(AcceptedDecision[] bySeat, List<AcceptedInjection> injections) {
    int n = g.teams.length;
    int hats = r.hatCount;
    sessionDraw = g.sessionDraw();
    for (int i = 0; i < n; i++) {
      resolveTeam(i, bySeat, i * hats, hats, injections);
    }
    if (n > 1 && r.mode == MultiplayerMode.MARKET) {
      market(n);
    }
    if (n > 1 && r.mode == MultiplayerMode.COMPANY) {
      culture(n);
    }
    for (int i = 0; i < n; i++) {
      clamp(i);
    }
    QuarterResult[] closed = null;
    if (t % r.turnsPerQuarter == 0) {
      closed = new QuarterResult[n];
      for (int i = 0; i < n; i++) {
        closed[i] = closeQuarter(i);
        clamp(i);
      }
    }
    TeamState[] next = new TeamState[n];
    for (int i = 0; i < n; i++) {
      TeamState s = g.teams[i];
      double[] qr = s.quarterResults;
      double[] qt = s.quarterTargets;
      if (closed != null) {
        int q = (t - 1) / r.turnsPerQuarter;
        qr = qr.clone();
        qt = qt.clone();
        qr[q] = closed[i].results();
        qt[q] = closed[i].target();
      }
      next[i] = new TeamState(s.id, i, v[i], pending[i], hires[i], qr, qt);
    }
    return new TurnOutcome(g, g.next(next), bySeat, log, events, injections, chosen, closed);
  }

  private void add(int i, int var, Cause cause, double amount) {
    if (amount != 0.0) {
      v[i][var] += amount;
      log.add(i, var, cause.ordinal(), t, amount);
    }
  }

  private void apply(int i, EffectDef e, double amount, int originTurn) {
    if (amount == 0.0) {
      return;
    }
    if (e.delay() == 0) {
      v[i][e.var()] += amount;
      log.add(i, e.var(), AttributionLedger.CAUSES + e.label(), originTurn, amount);
    } else {
      pending[i][((t + e.delay()) % r.ring) * r.slots + e.slot()] += amount;
    }
  }

  private double scaled(EffectDef e, double amount, double[] o) {
    return e.scaleBy() >= 0 ? amount * o[e.scaleBy()] / 100.0 : amount;
  }

  private void resolveTeam(int i, AcceptedDecision[] bySeat, int firstSeat, int hats,
      List<AcceptedInjection> injections) {
    TeamState s = g.teams[i];
    double[] o = s.v;
    v[i] = o.clone();
    pending[i] = s.pending.clone();
    hires[i] = s.hires.clone();
    SeededRandom rng = SeededRandom.of(g.seed, t, i, SeededRandom.STREAM_TEAM);

    // delayed effects of earlier turns land now
    int row = (t % r.ring) * r.slots;
    double[] p = pending[i];
    for (int k = 0; k < r.slots; k++) {
      double amt = p[row + k];
      if (amt != 0.0) {
        EffectDef e = r.slotDefs[k];
        v[i][e.var()] += amt;
        log.add(i, e.var(), AttributionLedger.CAUSES + e.label(), t - e.delay(), amt);
        p[row + k] = 0.0;
      }
    }

    // time: interruptions first, then booked hours bent by Pencavel and the leader's energy
    double energyFactor = 0.5 + 0.5 * o[ENERGY] / 100.0;
    double overtime = 0;
    java.util.Arrays.fill(effective, 0.0);
    double knee = r.budget.getKneeHoursPerWeek();
    double peak = r.budget.getPeakHoursPerWeek();
    for (int h = 0; h < hats; h++) {
      AcceptedDecision dec = bySeat[firstSeat + h];
      SeatHat hat = dec.seat.hat();
      double booked = dec.totalHours();
      double worked = g.seatInterruptions(s, hat) + booked;
      overtime += StrictMath.max(0.0, worked - r.hoursPerTurn(hat));
      double factor = Pencavel.factor(worked / r.weeksPerTurn, knee, peak) * energyFactor;
      for (int a = 0; a < effective.length; a++) {
        effective[a] += dec.hours[a] * factor;
      }
    }
    if (overtime > 0) {
      add(i, ENERGY, Cause.OVERTIME, -r.budget.getOvertimeEnergyDrain() * overtime);
    } else {
      add(i, ENERGY, Cause.REST, r.budget.getEnergyRecovery());
    }

    // acts
    for (int a = 0; a < effective.length; a++) {
      if (effective[a] > 0) {
        for (EffectDef e : r.actEffects[a]) {
          apply(i, e, scaled(e, e.forHours(effective[a]), o), t);
        }
      }
    }

    // dilemmas open this turn: the LEADER (or BOTH) seat answers
    int[] open = r.dilemmasByTurn[t];
    chosen[i] = new int[open.length];
    AcceptedDecision answering = bySeat[firstSeat];
    for (int k = 0; k < open.length; k++) {
      int dil = open[k];
      int option = answering.choices[dil];
      if (option < 0) {
        option = r.dilemmas().get(dil).defaultOption();
      }
      chosen[i][k] = option;
      for (EffectDef e : r.optionEffects[dil][option]) {
        apply(i, e, scaled(e, e.amount(), o), t);
      }
    }

    // events: scheduled and drawn (announced at the opening), then injected ones
    events[i] = g.eventsFor(i, sessionDraw);
    for (int e : events[i]) {
      for (EffectDef fx : r.eventEffects[e]) {
        apply(i, fx, scaled(fx, fx.amount(), o), t);
      }
    }
    for (AcceptedInjection inj : injections) {
      if (!inj.teams[i]) {
        continue;
      }
      if (inj.eventIndex >= 0) {
        for (EffectDef fx : r.eventEffects[inj.eventIndex]) {
          apply(i, fx, scaled(fx, fx.amount(), o), t);
        }
      } else {
        int label = log.customLabel(inj.title);
        for (int k = 0; k < inj.vars.length; k++) {
          v[i][inj.vars[k]] += inj.amounts[k];
          log.add(i, inj.vars[k], label, t, inj.amounts[k]);
        }
      }
    }

    dynamics(i, o);
    adoption(i, o);
    people(i, rng);
    produce(i, rng);
  }

  private void dynamics(int i, double[] o) {
    add(i, MORALE, Cause.NO_RECOGNITION, -d.getMoraleNeglect());
    add(i, MORALE, Cause.WORKLOAD_STRESS,
        -d.getMoralePerStress() * StrictMath.max(0.0, o[STRESS] - d.getMoraleStressThreshold()));
    add(i, STRESS, Cause.STRESS_RECOVERY, -d.getStressRecovery() * o[STRESS]);
    int turnInQuarter = (t - 1) % r.turnsPerQuarter;
    double expected = o[TARGET] * turnInQuarter / r.turnsPerQuarter;
    if (o[TARGET] > 0 && expected > o[RESULTS]) {
      add(i, STRESS, Cause.BEHIND_TARGET,
          d.getStressPerTargetGap() * 10.0 * (expected - o[RESULTS]) / o[TARGET]);
    }
    add(i, CAPABILITY, Cause.SKILLS_GO_STALE, -d.getCapabilityDecay());
    add(i, CLARITY, Cause.CLARITY_FADES, -d.getClarityDecay() * o[CLARITY]);
    add(i, TRUST, Cause.TRUST_FOLLOWS_MORALE, d.getTrustDrift() * (o[MORALE] - o[TRUST]));
    add(i, COMPLACENCY, Cause.SUCCESS_BREEDS_COMPLACENCY, d.getComplacencyGrowth());
    add(i, EFFICIENCY, Cause.PROCESS_DRIFT, -d.getEfficiencyDecay() * o[EFFICIENCY]);
    add(i, READINESS, Cause.READINESS_FADES, -d.getReadinessDecay() * o[READINESS]);
    add(i, DRIVE, Cause.CHANGE_LOSES_MOMENTUM, -d.getDriveDecay() * o[DRIVE]);
  }

  private void adoption(int i, double[] o) {
    double[] x = v[i];
    double drive = clamp01(x[DRIVE] / 100.0);
    double brake = 1.0 - d.getComplacencyBrake() * clamp01(x[COMPLACENCY] / 100.0);
    double p = (d.getBassPPerDrive() * drive + d.getBassPPerClarity() * clamp01(x[CLARITY] / 100.0))
        * brake;
    double w = d.getBassQTrustWeight();
    double q = d.getBassQ() * (w * clamp01(x[TRUST] / 100.0) + (1 - w) * clamp01(x[MORALE] / 100.0))
        * brake;
    double a = clamp01(o[ADOPTION]);
    add(i, ADOPTION, Cause.NEW_ADOPTERS, Adoption.newAdopters(a, p, q));
    add(i, ADOPTION, Cause.ADOPTERS_SLIDE_BACK, -d.getAdoptionRelapse() * a * (1.0 - drive));
  }

  private void people(int i, SeededRandom rng) {
    double[] x = v[i];
    int slot = t % r.hireRing;
    double arriving = hires[i][slot];
    if (arriving > 0) {
      hires[i][slot] = 0;
      double hc = x[HEADCOUNT];
      double capAfter = (x[CAPABILITY] * hc + d.getNewHireCapability() * arriving)
          / (hc + arriving);
      add(i, HEADCOUNT, Cause.NEW_HIRES, arriving);
      add(i, CAPABILITY, Cause.NEW_HIRES_RAMP_UP, capAfter - x[CAPABILITY]);
    }
    double chance = d.getAttritionBase()
        + d.getAttritionLowMorale() * StrictMath.max(0.0, 50.0 - x[MORALE]) / 50.0
        + d.getAttritionHighStress() * StrictMath.max(0.0, x[STRESS] - 60.0) / 40.0;
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
      add(i, MORALE, Cause.TURNOVER_HURTS, -d.getMoralePerLeaver() * leavers);
      hires[i][(t + d.getHiringDelayTurns()) % r.hireRing] += leavers;
    }
  }

  private void produce(int i, SeededRandom rng) {
    double[] x = v[i];
    double base = x[HEADCOUNT] * d.getOutputPerPerson() * clamp01(x[CAPABILITY] / 100.0);
    add(i, RESULTS, Cause.TEAM_OUTPUT, base);
    double out = base;
    double morale = 1.0 + d.getMoraleProductivityGain() * (clamp01(x[MORALE] / 100.0) * 2.0 - 1.0);
    out = factor(i, out, morale, Cause.MORALE_EFFECT);
    double s = StrictMath.max(0.0, StrictMath.min(100.0, x[STRESS]));
    double opt = d.getStressOptimum();
    double stress = s >= opt
        ? 1.0 - d.getBurnoutLoss() * sq((s - opt) / (100.0 - opt))
        : 1.0 - d.getIdleLoss() * sq((opt - s) / opt);
    out = factor(i, out, stress, Cause.STRESS_EFFECT);
    out = factor(i, out, 1.0 + d.getClarityProductivityGain() * (clamp01(x[CLARITY] / 100.0) - 0.5),
        Cause.CLARITY_EFFECT);
    out = factor(i, out,
        1.0 + d.getEfficiencyProductivityGain() * (clamp01(x[EFFICIENCY] / 100.0) - 0.5),
        Cause.EFFICIENCY_EFFECT);
    double adopted = clamp01(x[ADOPTION]);
    out = factor(i, out, 1.0 - pressure() * (1.0 - adopted), Cause.COMPETITIVE_PRESSURE);
    out = factor(i, out, 1.0 + d.getAdoptionPremium() * adopted, Cause.NEW_WAY_PREMIUM);
    out = factor(i, out, 1.0 + d.getOutputNoise() * rng.nextNormal(), Cause.MONTHLY_VARIATION);
    double incident = d.getIncidentChance() * (1.0 - clamp01(x[READINESS] / 100.0));
    if (rng.nextDouble() < incident) {
      double loss = d.getIncidentLoss() * out;
      add(i, RESULTS, Cause.INCIDENT, -loss);
      out -= loss;
    }
    output[i] = out;
  }

  /** Competitive pressure in the open turn (rises every turn, Kotter). */
  private double pressure() {
    return StrictMath.min(d.getPressureMax(),
        d.getPressureStart() + d.getPressureGrowth() * (t - 1));
  }

  private double factor(int i, double out, double f, Cause cause) {
    add(i, RESULTS, cause, out * (f - 1.0));
    return out * f;
  }

  private void market(int n) {
    double elasticity = r.scenario.getMarket().getElasticity();
    if (elasticity == 0) {
      return;
    }
    double aw = r.scenario.getMarket().getAdoptionWeight();
    double cw = r.scenario.getMarket().getCapabilityWeight();
    double[] attract = new double[n];
    double mean = 0;
    for (int i = 0; i < n; i++) {
      attract[i] = (1 + aw * clamp01(v[i][ADOPTION]))
          * (1 + cw * clamp01(v[i][CAPABILITY] / 100.0));
      mean += attract[i];
    }
    mean /= n;
    for (int i = 0; i < n; i++) {
      double share = StrictMath.pow(attract[i] / mean, elasticity);
      add(i, RESULTS, Cause.MARKET_SHARE, output[i] * (share - 1.0));
    }
  }

  private void culture(int n) {
    double k = r.scenario.getCompany().getCultureCoupling();
    double morale = 0;
    double trust = 0;
    for (int i = 0; i < n; i++) {
      morale += v[i][MORALE];
      trust += v[i][TRUST];
    }
    morale /= n;
    trust /= n;
    for (int i = 0; i < n; i++) {
      add(i, MORALE, Cause.COMPANY_CULTURE, k * (morale - v[i][MORALE]));
      add(i, TRUST, Cause.COMPANY_CULTURE, k * (trust - v[i][TRUST]));
    }
  }

  private QuarterResult closeQuarter(int i) {
    double[] x = v[i];
    double res = x[RESULTS];
    double target = x[TARGET];
    int q = (t - 1) / r.turnsPerQuarter;
    if (res >= target) {
      add(i, BOSS, Cause.QUARTER_HIT, d.getBossConfidenceHit());
      double beat = target > 0 ? (res / target - 1.0) * 100.0 : 0.0;
      add(i, COMPLACENCY, Cause.SUCCESS_BREEDS_COMPLACENCY, d.getComplacencyPerSuccessPct() * beat);
      double base = r.budget.getBaseInterruptionHours();
      double relief = StrictMath.min(r.budget.getInterruptionReliefPerHit(),
          StrictMath.max(0.0, x[INTERRUPTIONS] - base));
      add(i, INTERRUPTIONS, Cause.QUARTER_HIT, -relief);
    } else {
      double missPct = target > 0 ? (1.0 - res / target) * 100.0 : 0.0;
      add(i, BOSS, Cause.QUARTER_MISSED, -d.getBossConfidencePerMissPct() * missPct);
      add(i, INTERRUPTIONS, Cause.QUARTER_MISSED, r.budget.getInterruptionGrowthPerMiss());
    }
    add(i, RESULTS, Cause.QUARTER_RESET, -res);
    if (q + 1 < r.quarters) {
      add(i, TARGET, Cause.NEW_TARGET, r.targets[q + 1] - target);
    }
    return new QuarterResult(g.teams[i].id, q + 1, res, target);
  }

  private void clamp(int i) {
    double[] x = v[i];
    for (Var var : Var.ALL) {
      int k = var.ordinal();
      if (x[k] < var.min()) {
        add(i, k, Cause.LIMIT, var.min() - x[k]);
        x[k] = var.min();
      } else if (x[k] > var.max()) {
        add(i, k, Cause.LIMIT, var.max() - x[k]);
        x[k] = var.max();
      }
    }
  }

  private static double clamp01(double x) {
    return x < 0 ? 0 : (x > 1 ? 1 : x);
  }

  private static double sq(double x) {
    return x * x;
  }
}

package org.quarterdeck.server.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.quarterdeck.protocol.v1.ActDefinition;
import org.quarterdeck.protocol.v1.ActKind;
import org.quarterdeck.protocol.v1.ActShare;
import org.quarterdeck.protocol.v1.CauseLabel;
import org.quarterdeck.protocol.v1.DilemmaDefinition;
import org.quarterdeck.protocol.v1.DilemmaOption;
import org.quarterdeck.protocol.v1.DynamicsCoefficients;
import org.quarterdeck.protocol.v1.EffectDefinition;
import org.quarterdeck.protocol.v1.GameMode;
import org.quarterdeck.protocol.v1.LeadershipRole;
import org.quarterdeck.protocol.v1.Scenario;
import org.quarterdeck.protocol.v1.ScenarioCalendar;
import org.quarterdeck.protocol.v1.ScenarioEvent;
import org.quarterdeck.protocol.v1.ScoringWeights;
import org.quarterdeck.protocol.v1.StateVar;
import org.quarterdeck.protocol.v1.TeamStart;
import org.quarterdeck.protocol.v1.TimeBudgetRules;
import org.quarterdeck.protocol.v1.VariableBound;
import org.quarterdeck.server.engine.Cause;
import org.quarterdeck.server.scenario.FieldLocator.Node;

/**
 * Checks every field of a scenario against the limits documented in {@code scenario.proto}: ranges,
 * non-empty texts, unique ids, references between ids and sums. Collects all problems, each with
 * the line and path of its field.
 */
final class ScenarioValidator {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,39}");
  private static final Pattern SCENARIO_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

  private static final List<String> KNOWN_CAUSES =
      Arrays.stream(Cause.values()).map(Enum::name).toList();

  private final String source;
  private final FieldLocator locator;
  private final List<ScenarioProblem> problems = new ArrayList<>();

  ScenarioValidator(String source, FieldLocator locator) {
    this.source = source;
    this.locator = locator;
  }

  List<ScenarioProblem> validate(Scenario s, Node root) {
    if (!SCENARIO_ID.matcher(s.getId()).matches()) {
      fail(root, "id", -1, "must be 1..40 characters of [a-z0-9-], got '" + s.getId() + "'");
    }
    text(root, "title", s.getTitle(), 120);
    text(root, "summary", s.getSummary(), 2000);
    text(root, "lesson", s.getLesson(), 2000);
    if (s.getMode() == GameMode.GAME_MODE_UNSPECIFIED) {
      fail(root, "mode", -1, "is required (MARKET, COMPANY or TWO_HATS)");
    }
    calendar(s.getCalendar(), locator.child(root, "calendar", -1));
    int totalTurns = s.getCalendar().getTurnsPerQuarter() * s.getCalendar().getQuarters();
    budget(s.getBudget(), locator.child(root, "budget", -1));
    start(s.getStart(), locator.child(root, "start", -1));
    Set<String> actIds = acts(s, root);
    dynamics(s.getDynamics(), locator.child(root, "dynamics", -1));
    if (s.getQuarterlyTargetsCount() != s.getCalendar().getQuarters()) {
      fail(
          root,
          "quarterly_targets",
          -1,
          "needs exactly one target per quarter ("
              + s.getCalendar().getQuarters()
              + "), got "
              + s.getQuarterlyTargetsCount());
    }
    for (int i = 0; i < s.getQuarterlyTargetsCount(); i++) {
      double t = s.getQuarterlyTargets(i);
      if (!(t > 0 && t < 1e12)) {
        fail(root, "quarterly_targets", i, "must be a positive finite number, got " + t);
      }
    }
    events(s, root, totalTurns);
    range(root, "deck_draw_chance", s.getDeckDrawChance(), 0, 1);
    dilemmas(s, root, totalTurns);
    scoring(s.getScoring(), locator.child(root, "scoring", -1));
    double sum = 0;
    for (int i = 0; i < s.getDefaultDecisionCount(); i++) {
      ActShare share = s.getDefaultDecision(i);
      Node n = locator.child(root, "default_decision", i);
      if (!actIds.contains(share.getAct())) {
        fail(n, "act", -1, "names no act: '" + share.getAct() + "'");
      }
      range(n, "share", share.getShare(), 0, 1);
      sum += share.getShare();
    }
    if (sum > 1 + 1e-9) {
      fail(root, "default_decision", -1, "shares must sum to at most 1, got " + sum);
    }
    Node market = locator.child(root, "market", -1);
    range(market, "elasticity", s.getMarket().getElasticity(), 0, 3);
    range(market, "adoption_weight", s.getMarket().getAdoptionWeight(), 0, 5);
    range(market, "capability_weight", s.getMarket().getCapabilityWeight(), 0, 5);
    Node company = locator.child(root, "company", -1);
    range(company, "culture_coupling", s.getCompany().getCultureCoupling(), 0, 1);
    range(company, "shared_result_weight", s.getCompany().getSharedResultWeight(), 0, 1);
    if (s.getMode() == GameMode.GAME_MODE_TWO_HATS) {
      Node hats = locator.child(root, "two_hats", -1);
      if (!s.hasTwoHats()) {
        fail(root, "two_hats", -1, "is required in GAME_MODE_TWO_HATS");
      } else {
        range(hats, "leader_hours_per_turn", s.getTwoHats().getLeaderHoursPerTurn(), 1, 1000);
        range(hats, "manager_hours_per_turn", s.getTwoHats().getManagerHoursPerTurn(), 1, 1000);
        range(hats, "leader_interruption_share", s.getTwoHats().getLeaderInterruptionShare(), 0, 1);
      }
    }
    Set<StateVar> bounded = EnumSet.noneOf(StateVar.class);
    for (int i = 0; i < s.getInjectionLimitsCount(); i++) {
      VariableBound b = s.getInjectionLimits(i);
      Node n = locator.child(root, "injection_limits", i);
      variable(n, "var", b.getVar());
      if (!bounded.add(b.getVar())) {
        fail(n, "var", -1, "is listed twice");
      }
      if (!(b.getMaxAbs() > 0 && b.getMaxAbs() <= 1e6)) {
        fail(n, "max_abs", -1, "must be in (0, 1e6], got " + b.getMaxAbs());
      }
    }
    Set<String> causes = new HashSet<>();
    for (int i = 0; i < s.getCauseLabelsCount(); i++) {
      CauseLabel cl = s.getCauseLabels(i);
      Node n = locator.child(root, "cause_labels", i);
      if (!KNOWN_CAUSES.contains(cl.getCause())) {
        fail(n, "cause", -1, "no engine cause '" + cl.getCause() + "'; known: " + KNOWN_CAUSES);
      } else if (!causes.add(cl.getCause())) {
        fail(n, "cause", -1, "cause '" + cl.getCause() + "' is labelled twice");
      }
      text(n, "label", cl.getLabel(), 60);
    }
    int min = s.getMinTeams();
    int max = s.getMaxTeams();
    if (!(min >= 1 && min <= max && max <= 10000)) {
      fail(
          root,
          "min_teams",
          -1,
          "need 1 <= min_teams <= max_teams <= 10000, got " + min + ".." + max);
    }
    return problems;
  }

  private void calendar(ScenarioCalendar c, Node n) {
    range(n, "turns_per_quarter", c.getTurnsPerQuarter(), 1, 13);
    range(n, "quarters", c.getQuarters(), 1, 8);
    text(n, "turn_name", c.getTurnName(), 40);
    range(n, "weeks_per_turn", c.getWeeksPerTurn(), 0.5, 13);
  }

  private void budget(TimeBudgetRules b, Node n) {
    range(n, "hours_per_turn", b.getHoursPerTurn(), 1, 1000);
    range(n, "max_overtime_hours", b.getMaxOvertimeHours(), 0, 1000);
    range(n, "base_interruption_hours", b.getBaseInterruptionHours(), 0, b.getHoursPerTurn());
    range(n, "interruption_growth_per_miss", b.getInterruptionGrowthPerMiss(), 0, 1000);
    range(n, "interruption_relief_per_hit", b.getInterruptionReliefPerHit(), 0, 1000);
    range(n, "max_interruption_share", b.getMaxInterruptionShare(), 0, 0.95);
    range(n, "knee_hours_per_week", b.getKneeHoursPerWeek(), 1, 167);
    if (!(b.getPeakHoursPerWeek() > b.getKneeHoursPerWeek() && b.getPeakHoursPerWeek() <= 168)) {
      fail(
          n,
          "peak_hours_per_week",
          -1,
          "must be above knee_hours_per_week and at most 168, got " + b.getPeakHoursPerWeek());
    }
    range(n, "overtime_energy_drain", b.getOvertimeEnergyDrain(), 0, 10);
    range(n, "energy_recovery", b.getEnergyRecovery(), 0, 100);
  }

  private void start(TeamStart s, Node n) {
    range(n, "morale", s.getMorale(), 0, 100);
    range(n, "trust", s.getTrust(), 0, 100);
    range(n, "capability", s.getCapability(), 0, 100);
    range(n, "stress", s.getStress(), 0, 100);
    range(n, "complacency", s.getComplacency(), 0, 100);
    range(n, "adoption", s.getAdoption(), 0, 1);
    range(n, "clarity", s.getClarity(), 0, 100);
    range(n, "headcount", s.getHeadcount(), 1, 1000);
    range(n, "leader_energy", s.getLeaderEnergy(), 0, 100);
    range(n, "boss_confidence", s.getBossConfidence(), 0, 100);
    range(n, "efficiency", s.getEfficiency(), 0, 100);
    range(n, "integrity", s.getIntegrity(), 0, 100);
  }

  private Set<String> acts(Scenario s, Node root) {
    Set<String> ids = new HashSet<>();
    if (s.getActsCount() < 5 || s.getActsCount() > 20) {
      fail(root, "acts", -1, "needs 5..20 acts, got " + s.getActsCount());
    }
    Set<LeadershipRole> roles = EnumSet.noneOf(LeadershipRole.class);
    boolean management = false;
    for (int i = 0; i < s.getActsCount(); i++) {
      ActDefinition a = s.getActs(i);
      Node n = locator.child(root, "acts", i);
      id(n, a.getId());
      if (!ids.add(a.getId())) {
        fail(n, "id", -1, "duplicate act id '" + a.getId() + "'");
      }
      text(n, "name", a.getName(), 60);
      text(n, "description", a.getDescription(), 500);
      if (a.getKind() == ActKind.ACT_KIND_MANAGEMENT) {
        management = true;
        if (a.getRole() != LeadershipRole.LEADERSHIP_ROLE_UNSPECIFIED) {
          fail(n, "role", -1, "a management act has no leadership role");
        }
      } else if (a.getKind() == ActKind.ACT_KIND_LEADERSHIP) {
        if (a.getRole() == LeadershipRole.LEADERSHIP_ROLE_UNSPECIFIED
            || a.getRole() == LeadershipRole.UNRECOGNIZED) {
          fail(n, "role", -1, "a leadership act needs one of the six roles");
        } else if (!roles.add(a.getRole())) {
          fail(n, "role", -1, "role " + a.getRole() + " is already covered by another act");
        }
      } else {
        fail(n, "kind", -1, "is required (ACT_KIND_MANAGEMENT or ACT_KIND_LEADERSHIP)");
      }
      variable(n, "aims_at", a.getAimsAt());
      effects(n, a.getEffectsList(), 1, true);
    }
    if (!management) {
      fail(root, "acts", -1, "needs at least one management act");
    }
    for (LeadershipRole role : LeadershipRole.values()) {
      if (role != LeadershipRole.LEADERSHIP_ROLE_UNSPECIFIED
          && role != LeadershipRole.UNRECOGNIZED
          && !roles.contains(role)) {
        fail(root, "acts", -1, "no leadership act covers role " + role);
      }
    }
    return ids;
  }

  private void effects(
      Node parent, List<EffectDefinition> effects, int minCount, boolean labelRequired) {
    if (effects.size() < minCount || effects.size() > 10) {
      fail(parent, "effects", -1, "needs " + minCount + "..10 effects, got " + effects.size());
    }
    for (int i = 0; i < effects.size(); i++) {
      EffectDefinition e = effects.get(i);
      Node n = locator.child(parent, "effects", i);
      variable(n, "var", e.getVar());
      range(n, "amount", e.getAmount(), -1000, 1000);
      range(n, "delay_turns", e.getDelayTurns(), 0, 12);
      range(n, "saturation_hours", e.getSaturationHours(), 0, 10000);
      if (labelRequired || !e.getLabel().isEmpty()) {
        text(n, "label", e.getLabel(), 60);
      }
      if (e.getScaleBy() == StateVar.UNRECOGNIZED) {
        fail(n, "scale_by", -1, "unknown variable");
      }
    }
  }

  private void dynamics(DynamicsCoefficients d, Node n) {
    if (!(d.getOutputPerPerson() > 0 && d.getOutputPerPerson() <= 1e6)) {
      fail(n, "output_per_person", -1, "must be in (0, 1e6], got " + d.getOutputPerPerson());
    }
    range(n, "morale_productivity_gain", d.getMoraleProductivityGain(), 0, 0.2);
    range(n, "stress_optimum", d.getStressOptimum(), 1, 99);
    range(n, "burnout_loss", d.getBurnoutLoss(), 0, 0.9);
    range(n, "idle_loss", d.getIdleLoss(), 0, 0.5);
    range(n, "clarity_productivity_gain", d.getClarityProductivityGain(), 0, 0.5);
    range(n, "efficiency_productivity_gain", d.getEfficiencyProductivityGain(), 0, 0.5);
    range(n, "output_noise", d.getOutputNoise(), 0, 0.3);
    range(n, "morale_neglect", d.getMoraleNeglect(), 0, 20);
    range(n, "morale_per_stress", d.getMoralePerStress(), 0, 1);
    range(n, "morale_stress_threshold", d.getMoraleStressThreshold(), 0, 100);
    range(n, "stress_recovery", d.getStressRecovery(), 0, 1);
    range(n, "stress_per_target_gap", d.getStressPerTargetGap(), 0, 20);
    range(n, "capability_decay", d.getCapabilityDecay(), 0, 10);
    range(n, "clarity_decay", d.getClarityDecay(), 0, 1);
    range(n, "trust_drift", d.getTrustDrift(), 0, 1);
    range(n, "complacency_growth", d.getComplacencyGrowth(), 0, 20);
    range(n, "complacency_per_success_pct", d.getComplacencyPerSuccessPct(), 0, 5);
    range(n, "efficiency_decay", d.getEfficiencyDecay(), 0, 1);
    range(n, "bass_p_per_drive", d.getBassPPerDrive(), 0, 0.5);
    range(n, "bass_p_per_clarity", d.getBassPPerClarity(), 0, 0.5);
    range(n, "bass_q", d.getBassQ(), 0, 1);
    range(n, "bass_q_trust_weight", d.getBassQTrustWeight(), 0, 1);
    range(n, "complacency_brake", d.getComplacencyBrake(), 0, 1);
    range(n, "adoption_relapse", d.getAdoptionRelapse(), 0, 0.5);
    range(n, "drive_decay", d.getDriveDecay(), 0, 1);
    range(n, "pressure_start", d.getPressureStart(), 0, 0.95);
    range(n, "pressure_growth", d.getPressureGrowth(), 0, 0.95);
    range(n, "pressure_max", d.getPressureMax(), 0, 0.95);
    range(n, "adoption_premium", d.getAdoptionPremium(), 0, 1);
    range(n, "attrition_base", d.getAttritionBase(), 0, 0.5);
    range(n, "attrition_low_morale", d.getAttritionLowMorale(), 0, 0.5);
    range(n, "attrition_high_stress", d.getAttritionHighStress(), 0, 0.5);
    range(n, "hiring_delay_turns", d.getHiringDelayTurns(), 0, 12);
    range(n, "new_hire_capability", d.getNewHireCapability(), 0, 100);
    range(n, "morale_per_leaver", d.getMoralePerLeaver(), 0, 20);
    range(n, "incident_chance", d.getIncidentChance(), 0, 1);
    range(n, "incident_loss", d.getIncidentLoss(), 0, 1);
    range(n, "readiness_decay", d.getReadinessDecay(), 0, 1);
    range(n, "boss_confidence_hit", d.getBossConfidenceHit(), 0, 50);
    range(n, "boss_confidence_per_miss_pct", d.getBossConfidencePerMissPct(), 0, 10);
    range(n, "interruptions_per_low_confidence", d.getInterruptionsPerLowConfidence(), 0, 5);
    range(n, "overtime_drain_doubling_hours", d.getOvertimeDrainDoublingHours(), 0, 1000);
    range(n, "energy_floor", d.getEnergyFloor(), 0, 1);
    range(n, "tired_energy_threshold", d.getTiredEnergyThreshold(), 0, 100);
    range(n, "stress_per_tired_point", d.getStressPerTiredPoint(), 0, 2);
    range(n, "morale_per_tired_point", d.getMoralePerTiredPoint(), 0, 2);
    range(n, "integrity_decay", d.getIntegrityDecay(), 0, 10);
    range(n, "trust_integrity_drift", d.getTrustIntegrityDrift(), 0, 1);
    range(n, "attrition_integrity_cut", d.getAttritionIntegrityCut(), 0, 0.9);
    range(n, "bass_q_clarity_weight", d.getBassQClarityWeight(), 0, 1 - d.getBassQTrustWeight());
    range(n, "stall_chance", d.getStallChance(), 0, 1);
    range(n, "stall_drive_threshold", d.getStallDriveThreshold(), 0, 100);
    range(n, "stall_relapse", d.getStallRelapse(), 0, 1);
    range(n, "anchored_adoption", d.getAnchoredAdoption(), 0, 1);
    range(n, "complacency_output_loss", d.getComplacencyOutputLoss(), 0, 0.5);
    range(n, "attrition_stress_threshold", d.getAttritionStressThreshold(), 0, 99);
  }

  private void events(Scenario s, Node root, int totalTurns) {
    if (s.getEventsCount() > 200) {
      fail(root, "events", -1, "at most 200 events, got " + s.getEventsCount());
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < s.getEventsCount(); i++) {
      ScenarioEvent e = s.getEvents(i);
      Node n = locator.child(root, "events", i);
      id(n, e.getId());
      if (!ids.add(e.getId())) {
        fail(n, "id", -1, "duplicate event id '" + e.getId() + "'");
      }
      text(n, "title", e.getTitle(), 120);
      text(n, "narrative", e.getNarrative(), 2000);
      range(n, "turn", e.getTurn(), 0, totalTurns);
      range(n, "deck_weight", e.getDeckWeight(), 0, 1000);
      range(n, "earliest_turn", e.getEarliestTurn(), 0, totalTurns);
      if (e.getTurn() == 0 && e.getDeckWeight() == 0) {
        fail(
            n,
            "turn",
            -1,
            "an event must be scheduled (turn > 0) or in the deck (deck_weight > 0)");
      }
      effects(n, e.getEffectsList(), 1, false);
    }
  }

  private void dilemmas(Scenario s, Node root, int totalTurns) {
    if (s.getDilemmasCount() > 50) {
      fail(root, "dilemmas", -1, "at most 50 dilemmas, got " + s.getDilemmasCount());
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < s.getDilemmasCount(); i++) {
      DilemmaDefinition d = s.getDilemmas(i);
      Node n = locator.child(root, "dilemmas", i);
      id(n, d.getId());
      if (!ids.add(d.getId())) {
        fail(n, "id", -1, "duplicate dilemma id '" + d.getId() + "'");
      }
      text(n, "title", d.getTitle(), 120);
      text(n, "text", d.getText(), 2000);
      range(n, "turn", d.getTurn(), 1, totalTurns);
      if (d.getOptionsCount() < 2 || d.getOptionsCount() > 5) {
        fail(n, "options", -1, "needs 2..5 options, got " + d.getOptionsCount());
      }
      Set<String> options = new HashSet<>();
      for (int o = 0; o < d.getOptionsCount(); o++) {
        DilemmaOption opt = d.getOptions(o);
        Node on = locator.child(n, "options", o);
        id(on, opt.getId());
        if (!options.add(opt.getId())) {
          fail(on, "id", -1, "duplicate option id '" + opt.getId() + "'");
        }
        text(on, "text", opt.getText(), 500);
        effects(on, opt.getEffectsList(), 0, false);
      }
      if (!options.contains(d.getDefaultOption())) {
        fail(
            n,
            "default_option",
            -1,
            "names no option of this dilemma: '" + d.getDefaultOption() + "'");
      }
    }
  }

  private void scoring(ScoringWeights w, Node n) {
    range(n, "results", w.getResults(), 0, 100);
    range(n, "morale", w.getMorale(), 0, 100);
    range(n, "capability", w.getCapability(), 0, 100);
    range(n, "adoption", w.getAdoption(), 0, 100);
    range(n, "integrity", w.getIntegrity(), 0, 100);
    range(n, "carried_forward", w.getCarriedForward(), 0, 100);
    if (!(w.getResults()
            + w.getMorale()
            + w.getCapability()
            + w.getAdoption()
            + w.getIntegrity()
            + w.getCarriedForward()
        > 0)) {
      fail(n, "results", -1, "scoring weights must sum to more than 0");
    }
  }

  private void id(Node n, String id) {
    if (!ID.matcher(id).matches()) {
      fail(n, "id", -1, "must be 1..40 characters of [a-z0-9_-], got '" + id + "'");
    }
  }

  private void variable(Node n, String field, StateVar v) {
    if (v == StateVar.VAR_UNSPECIFIED || v == StateVar.UNRECOGNIZED) {
      fail(n, field, -1, "is required (a VAR_* variable)");
    }
  }

  private void text(Node n, String field, String value, int max) {
    if (value.isBlank()) {
      fail(n, field, -1, "must not be empty");
    } else if (value.length() > max) {
      fail(n, field, -1, "must be at most " + max + " characters, got " + value.length());
    }
  }

  private void range(Node n, String field, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      fail(n, field, -1, "must be in [" + fmt(lo) + ", " + fmt(hi) + "], got " + fmt(value));
    }
  }

  private static String fmt(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
  }

  private void fail(Node n, String field, int index, String message) {
    int[] pos = locator.locate(n, field, index);
    problems.add(
        new ScenarioProblem(source, pos[0], pos[1], locator.path(n, field, index), message));
  }
}

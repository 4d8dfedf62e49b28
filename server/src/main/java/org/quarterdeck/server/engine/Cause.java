package org.quarterdeck.server.engine;

/**
 * A cause of change computed by the engine's own formulas (as opposed to an act, event or dilemma,
 * whose labels come from the scenario). Clients may translate these by code.
 */
public enum Cause {
  NO_RECOGNITION("no recognition"),
  WORKLOAD_STRESS("workload stress"),
  STRESS_RECOVERY("stress recovery"),
  BEHIND_TARGET("behind target"),
  SKILLS_GO_STALE("skills go stale"),
  CLARITY_FADES("vision fades"),
  TRUST_FOLLOWS_MORALE("trust follows morale"),
  SUCCESS_BREEDS_COMPLACENCY("complacency creeps in"),
  PROCESS_DRIFT("process drift"),
  READINESS_FADES("readiness fades"),
  CHANGE_LOSES_MOMENTUM("change loses momentum"),
  NEW_ADOPTERS("new adopters"),
  ADOPTERS_SLIDE_BACK("adopters slide back"),
  LEAVERS("people left"),
  TURNOVER_HURTS("colleagues left"),
  NEW_HIRES("new hires arrive"),
  NEW_HIRES_RAMP_UP("new hires still learning"),
  OVERTIME("overtime"),
  REST("rest"),
  TEAM_OUTPUT("team output"),
  CAPABILITY_EFFECT("capability"),
  MORALE_EFFECT("morale"),
  STRESS_EFFECT("stress level"),
  CLARITY_EFFECT("clarity of direction"),
  EFFICIENCY_EFFECT("efficiency"),
  COMPETITIVE_PRESSURE("competitive pressure"),
  NEW_WAY_PREMIUM("new way of working"),
  MONTHLY_VARIATION("month-to-month variation"),
  INCIDENT("incident"),
  MARKET_SHARE("market share"),
  COMPANY_CULTURE("company culture"),
  QUARTER_HIT("quarter closed: target hit"),
  QUARTER_MISSED("quarter closed: target missed"),
  QUARTER_RESET("new quarter"),
  NEW_TARGET("new quarterly target"),
  ANXIOUS_BOSS("anxious boss"),
  LIMIT("limit of the scale"),
  TIRED_LEADER("tired leader"),
  LONG_HOURS("long hours"),
  HOURS_BOOKED("hours booked"),
  LAST_TURN_HOURS("last turn's hours"),
  CHANGE_STALLED("the change stalled"),
  INTEGRITY_FADES("promises fade"),
  TRUST_FOLLOWS_INTEGRITY("trust follows integrity"),
  COMPLACENT_TEAM("complacent team");

  private final String label;

  Cause(String label) {
    this.label = label;
  }

  /** Default English label. */
  public String label() {
    return label;
  }
}

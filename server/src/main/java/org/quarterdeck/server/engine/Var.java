package org.quarterdeck.server.engine;

import org.quarterdeck.protocol.v1.StateVar;

/**
 * A team state variable. The declaration order is the canonical order used by the state hash and
 * the turn report; never reorder, only append.
 */
public enum Var {
  MORALE("morale", 0, 100),
  TRUST("trust", 0, 100),
  CAPABILITY("capability", 0, 100),
  STRESS("stress", 0, 100),
  COMPLACENCY("complacency", 0, 100),
  ADOPTION("adoption", 0, 1),
  CLARITY("clarity", 0, 100),
  HEADCOUNT("headcount", 1, 1000),
  LEADER_ENERGY("leader energy", 0, 100),
  BOSS_CONFIDENCE("boss confidence", 0, 100),
  RESULTS("results this quarter", 0, Double.MAX_VALUE),
  TARGET("quarterly target", 0, Double.MAX_VALUE),
  EFFICIENCY("efficiency", 0, 100),
  INTEGRITY("integrity", 0, 100),
  READINESS("readiness", 0, 100),
  CHANGE_DRIVE("change drive", 0, 100),
  INTERRUPTIONS("interruption hours", 0, Double.MAX_VALUE),
  MANAGER_ENERGY("manager energy", 0, 100),
  ACT_HOURS("hours that counted", 0, Double.MAX_VALUE);

  static final Var[] ALL = values();

  /** Number of variables. */
  public static final int COUNT = ALL.length;

  private final String label;
  private final double min;
  private final double max;

  Var(String label, double min, double max) {
    this.label = label;
    this.min = min;
    this.max = max;
  }

  /** Human name used in turn reports. */
  public String label() {
    return label;
  }

  /** Lowest value the engine keeps. */
  public double min() {
    return min;
  }

  /** Highest value the engine keeps. */
  public double max() {
    return max;
  }

  /** Maps the scenario schema's variable to the engine's; throws for UNSPECIFIED/unknown. */
  public static Var of(StateVar v) {
    switch (v) {
      case VAR_MORALE:
        return MORALE;
      case VAR_TRUST:
        return TRUST;
      case VAR_CAPABILITY:
        return CAPABILITY;
      case VAR_STRESS:
        return STRESS;
      case VAR_COMPLACENCY:
        return COMPLACENCY;
      case VAR_ADOPTION:
        return ADOPTION;
      case VAR_CLARITY:
        return CLARITY;
      case VAR_HEADCOUNT:
        return HEADCOUNT;
      case VAR_LEADER_ENERGY:
        return LEADER_ENERGY;
      case VAR_BOSS_CONFIDENCE:
        return BOSS_CONFIDENCE;
      case VAR_RESULTS:
        return RESULTS;
      case VAR_TARGET:
        return TARGET;
      case VAR_EFFICIENCY:
        return EFFICIENCY;
      case VAR_INTEGRITY:
        return INTEGRITY;
      case VAR_READINESS:
        return READINESS;
      case VAR_CHANGE_DRIVE:
        return CHANGE_DRIVE;
      case VAR_INTERRUPTIONS:
        return INTERRUPTIONS;
      case VAR_MANAGER_ENERGY:
        return MANAGER_ENERGY;
      case VAR_ACT_HOURS:
        return ACT_HOURS;
      default:
        throw new IllegalArgumentException("no state variable for " + v);
    }
  }
}

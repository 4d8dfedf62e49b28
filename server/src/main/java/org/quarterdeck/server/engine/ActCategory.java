package org.quarterdeck.server.engine;

/** Management acts pay off now; leadership acts pay off with delay. */
public enum ActCategory {
  MANAGEMENT,
  LEADERSHIP
}

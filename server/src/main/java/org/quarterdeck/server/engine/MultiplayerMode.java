package org.quarterdeck.server.engine;

/** How the teams of a session relate to each other. */
public enum MultiplayerMode {
  /** Teams compete for one market: results follow relative attractiveness. */
  MARKET,
  /** Departments of one company share a company result and a culture. */
  COMPANY,
  /** Two players share a team: one leads, one manages, each with a budget. */
  TWO_HATS
}

package org.quarterdeck.server.scenario;

import org.quarterdeck.protocol.v1.Scenario;
import org.quarterdeck.server.engine.Rules;

/**
 * A validated scenario: where it came from, its schema message (for the wire and the event log) and
 * its compiled engine rules.
 */
public record LoadedScenario(String source, Scenario scenario, Rules rules) {
  /** The scenario's id. */
  public String id() {
    return scenario.getId();
  }
}

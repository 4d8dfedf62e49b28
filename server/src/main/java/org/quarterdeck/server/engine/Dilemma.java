package org.quarterdeck.server.engine;

import java.util.List;
import org.quarterdeck.protocol.v1.OptionStance;

/** A dilemma every team faces in one turn, with its options as shown to players. */
public record Dilemma(
    int index,
    String id,
    String title,
    String text,
    int turn,
    List<Option> options,
    int defaultOption) {

  public Dilemma {
    options = List.copyOf(options);
  }

  /** One option of a dilemma. */
  public record Option(String id, String text, OptionStance stance) {}

  /** Index of the option with this id, or -1. */
  public int optionIndex(String optionId) {
    for (int i = 0; i < options.size(); i++) {
      if (options.get(i).id().equals(optionId)) {
        return i;
      }
    }
    return -1;
  }
}

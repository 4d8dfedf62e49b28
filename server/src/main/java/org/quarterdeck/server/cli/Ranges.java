package org.quarterdeck.server.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Bounds of whole-number options, checked as picocli sets them (so a bad value is a usage error).
 */
public final class Ranges {
  private Ranges() {}

  /** Returns {@code value}, or throws a usage error naming the option and its bounds. */
  public static int check(CommandSpec spec, String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ParameterException(
          spec.commandLine(), Texts.of(spec).say("usage.range", option, min, max, value));
    }
    return value;
  }
}

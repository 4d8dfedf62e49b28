package org.quarterdeck.server.scenario;

/**
 * One thing wrong with a scenario file.
 *
 * @param line 1-based line, or 0 if unknown
 * @param column 1-based column, or 0 if unknown
 * @param field path of the offending field, e.g. {@code acts[2].effects[0].amount}
 */
public record ScenarioProblem(String source, int line, int column, String field, String message) {
  @Override
  public String toString() {
    return source + ":" + line + (column > 0 ? ":" + column : "") + ": " + field + ": " + message;
  }
}

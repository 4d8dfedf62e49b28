package org.quarterdeck.server.scenario;

import java.util.List;
import java.util.stream.Collectors;

/** A scenario could not be loaded; carries every problem found, each with file, line and field. */
public final class ScenarioException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<ScenarioProblem> problems;

  public ScenarioException(List<ScenarioProblem> problems) {
    super(problems.stream().map(ScenarioProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** The problems, in file order as far as known. */
  public List<ScenarioProblem> problems() {
    return problems;
  }
}

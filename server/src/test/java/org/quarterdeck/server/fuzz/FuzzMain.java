package org.quarterdeck.server.fuzz;

/**
 * The on-demand fuzz run without a build tool: {@code scripts/fuzz-inputs.sh} compiles, copies the
 * classes aside and runs this, so that building in the same tree meanwhile cannot disturb it.
 * Arguments: seconds per target, then the targets ({@code scenario}, {@code log}, {@code network}
 * or one network target by name, e.g. {@code tcp-frames}: see {@link NetworkFuzz}).
 */
public final class FuzzMain {
  private FuzzMain() {}

  public static void main(String[] args) throws Exception {
    long seconds = Long.parseLong(args[0]);
    long failures = 0;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "scenario" -> {
          failures +=
              failures(
                  TimedFuzz.run(
                      "scenario-bytes",
                      ScenarioParserFuzzTest.anyText(),
                      ScenarioParserFuzzTest::parseAndPlay,
                      seconds / 2));
          failures +=
              failures(
                  TimedFuzz.run(
                      "scenario-mutated",
                      ScenarioParserFuzzTest.mutatedScenario(),
                      ScenarioParserFuzzTest::parseAndPlay,
                      seconds - seconds / 2));
        }
        case "log" -> {
          SessionLogFuzzTest.openStore();
          try {
            failures +=
                failures(
                    TimedFuzz.run(
                        "log-bytes",
                        SessionLogFuzzTest.anyBytes(),
                        SessionLogFuzzTest::readAndReplay,
                        seconds / 2));
            failures +=
                failures(
                    TimedFuzz.run(
                        "log-edited-game",
                        SessionLogFuzzTest.mutatedGame(),
                        SessionLogFuzzTest::readAndReplay,
                        seconds - seconds / 2));
          } finally {
            SessionLogFuzzTest.closeStore();
          }
        }
        // the network edge (scripts/fuzz-network.sh): one target by name, or all of them
        case "network" -> {
          for (String name : NetworkFuzz.targets().keySet()) {
            failures += NetworkFuzz.run(name, seconds);
          }
        }
        default -> failures += NetworkFuzz.run(args[i], seconds);
      }
    }
    System.out.println(
        failures == 0
            ? "fuzz: 0 crashes, 0 hangs, 0 leaks"
            : "fuzz: " + failures + " crashes, hangs or leaked buffers");
    System.exit(failures == 0 ? 0 : 1);
  }

  private static long failures(TimedFuzz.Figures figures) {
    return figures.crashes() + figures.hangs();
  }
}

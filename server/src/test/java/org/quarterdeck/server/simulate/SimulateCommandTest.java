package org.quarterdeck.server.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulateCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return SimulateCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void boundedGoesWithSearch() {
    assertEquals(2, run("--bounded"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--bounded goes with --search"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"market-year", "disruption", "two-hats", "company"})
  void printsATableForEachBuiltIn(String scenario) {
    int code =
        run(
            "--scenario",
            scenario,
            "--strategies",
            "numbers,balanced,adaptive,static:0.4",
            "--seeds",
            "5");
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.startsWith("scenario " + scenario), text);
    assertTrue(text.contains("strategy") && text.contains("Q4") && text.contains("adoption"), text);
    for (String s : List.of("numbers", "balanced", "adaptive", "static:0.4")) {
      assertTrue(text.lines().anyMatch(l -> l.startsWith(s + " ")), s + " row in\n" + text);
    }
  }

  @Test
  void writesOneCsvRowPerSeedAndStrategy(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("out.csv");
    assertEquals(0, run("--strategies", "numbers,leader", "--seeds", "3", "--csv", csv.toString()));
    List<String> lines = Files.readAllLines(csv);
    assertEquals(7, lines.size());
    assertTrue(
        lines.get(0).startsWith("seed,strategy,score,results_q1,results_q2,results_q3,results_q4,"),
        lines.get(0));
    assertTrue(lines.get(0).contains("end_morale,end_adoption"));
    assertTrue(lines.get(1).startsWith("1,numbers,"));
    assertTrue(lines.get(6).startsWith("3,leader,"));
  }

  @Test
  void sameSeedsSameTable() {
    run("--seeds", "4");
    String first = out.toString(StandardCharsets.UTF_8);
    out.reset();
    run("--seeds", "4");
    assertEquals(first, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void badFlagsGetAClearMessageAndNonZeroCode() {
    assertEquals(2, run("--seeds", "zero"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("Invalid value for option '--seeds'"));
    err.reset();
    assertEquals(2, run("--strategies", "numbers,golfer"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown strategy 'golfer'"));
    err.reset();
    assertEquals(2, run("--bogus"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("Unknown option: '--bogus'"));
    err.reset();
    assertEquals(2, run("--seeds"));
    assertEquals(2, run("--seeds", "0"));
    assertEquals(1, run("--scenario", "nowhere.textproto"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("nowhere.textproto"));
  }

  @Test
  void helpPrintsUsage() {
    assertEquals(0, run("--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("Usage: simulate"));
  }
}

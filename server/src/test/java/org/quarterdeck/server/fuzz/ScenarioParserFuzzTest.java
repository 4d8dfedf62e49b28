package org.quarterdeck.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.scenario.LoadedScenario;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.scenario.ScenarioException;
import org.quarterdeck.server.simulate.Tournament;

/**
 * Fuzzes the scenario parser (text format and JSON), which takes text from anyone who may create a
 * session: any input is either a scenario that loads and plays a whole game without an error, or a
 * {@link ScenarioException}; nothing else escapes, nothing hangs.
 */
class ScenarioParserFuzzTest {
  private static final List<String> BUILT_IN_TEXTS = builtInTexts();

  private static List<String> builtInTexts() {
    List<String> texts = new ArrayList<>();
    for (String name : ScenarioCatalog.builtInNames()) {
      try (InputStream in =
          ScenarioCatalog.class.getResourceAsStream("/scenarios/" + name + ".textproto")) {
        texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return texts;
  }

  /** The target: parse, validate, and if accepted, play a game; true if it loaded. */
  static boolean parseAndPlay(String text) {
    LoadedScenario loaded;
    try {
      loaded =
          ScenarioCatalog.fromText(
              text.stripLeading().startsWith("{") ? "fuzz.json" : "fuzz.textproto", text);
    } catch (ScenarioException e) {
      assertFalse(e.getMessage().isBlank(), "a refusal says why");
      return false;
    }
    int teams = Math.max(2, loaded.scenario().getMinTeams());
    if (loaded.scenario().getMaxTeams() > 0 && teams > loaded.scenario().getMaxTeams()) {
      teams = loaded.scenario().getMaxTeams();
    }
    List<org.quarterdeck.server.bot.Strategy> bots = new ArrayList<>();
    for (int t = 0; t < teams; t++) {
      bots.add(Strategies.parse(t % 2 == 0 ? "numbers" : "adaptive"));
    }
    assertEquals(teams, Tournament.play(loaded.rules(), bots, 42).size());
    return true;
  }

  /** Bytes of any kind, read as UTF-8. */
  static Arbitrary<String> anyText() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofMaxSize(2048)
        .map(b -> new String(b, StandardCharsets.UTF_8));
  }

  /**
   * Structurally close to valid: a built-in scenario with lines deleted, duplicated or swapped,
   * numbers replaced by edge values, or a prefix cut off; as text format or as JSON.
   */
  static Arbitrary<String> mutatedScenario() {
    Arbitrary<String> base = Arbitraries.of(BUILT_IN_TEXTS);
    Arbitrary<List<Integer>> edits =
        Arbitraries.integers().between(0, 1_000_000).list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<String> numbers =
        Arbitraries.of(
            "0",
            "-1",
            "1e308",
            "-1e308",
            "nan",
            "inf",
            "-inf",
            "2147483648",
            "-2147483649",
            "0.0000001",
            "99999999999",
            "1",
            "3",
            "\"x\"",
            "");
    return Combinators.combine(
            base,
            edits,
            numbers.list().ofMinSize(1).ofMaxSize(6),
            Arbitraries.integers().between(0, 4))
        .as(ScenarioParserFuzzTest::mutate);
  }

  static String mutate(String text, List<Integer> edits, List<String> values, int style) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    for (int i = 0; i < edits.size(); i++) {
      int e = edits.get(i);
      int at = e % lines.size();
      String value = values.get(i % values.size());
      switch ((e / lines.size()) % 5) {
        case 0 -> lines.remove(at);
        case 1 -> lines.add(at, lines.get(at));
        case 2 ->
            lines.set(at, lines.get(at).replaceAll("-?[0-9]+(\\.[0-9]+)?([eE]-?[0-9]+)?", value));
        case 3 -> {
          int other = (e / 7) % lines.size();
          String a = lines.get(at);
          lines.set(at, lines.get(other));
          lines.set(other, a);
        }
        default -> lines.set(at, lines.get(at).substring(0, lines.get(at).length() / 2));
      }
      if (lines.isEmpty()) {
        lines.add("");
      }
    }
    String mutated = String.join("\n", lines);
    if (style == 4) {
      try {
        // the JSON path: a valid scenario printed as JSON, then cut at an edit point
        var scenario = ScenarioCatalog.fromText("base.textproto", text).scenario();
        String json = com.google.protobuf.util.JsonFormat.printer().print(scenario);
        int cut = edits.get(0) % Math.max(1, json.length());
        return edits.size() % 2 == 0
            ? json.substring(0, cut)
            : json.replaceFirst("-?[0-9]+(\\.[0-9]+)?", values.get(0));
      } catch (Exception e) {
        return mutated;
      }
    }
    return mutated;
  }

  @Property(tries = 300)
  void anyBytesAreAScenarioOrATypedError(@ForAll("anyText") String text) {
    Statistics.collect(parseAndPlay(text) ? "loads and plays" : "refused");
  }

  @Property(tries = 150)
  void aMutatedScenarioLoadsAndPlaysOrIsATypedError(@ForAll("mutatedScenario") String text) {
    Statistics.collect(parseAndPlay(text) ? "loads and plays" : "refused");
  }

  @Provide("anyText")
  Arbitrary<String> anyTextProvider() {
    return anyText();
  }

  @Provide("mutatedScenario")
  Arbitrary<String> mutatedScenarioProvider() {
    return mutatedScenario();
  }

  /** The on-demand run: {@code scripts/fuzz-inputs.sh} sets quarterdeck.fuzz.seconds. */
  @Test
  void timedRun() throws InterruptedException {
    Assumptions.assumeTrue(TimedFuzz.SECONDS > 0, "on demand only (scripts/fuzz-inputs.sh)");
    TimedFuzz.Figures bytes =
        TimedFuzz.run(
            "scenario-bytes", anyText(), text -> parseAndPlay(text), TimedFuzz.SECONDS / 2);
    TimedFuzz.Figures mutated =
        TimedFuzz.run(
            "scenario-mutated",
            mutatedScenario(),
            text -> parseAndPlay(text),
            TimedFuzz.SECONDS - TimedFuzz.SECONDS / 2);
    assertEquals(0, bytes.crashes() + bytes.hangs() + mutated.crashes() + mutated.hangs());
  }
}

package org.quarterdeck.server.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.protocol.v1.GameMode;
import org.quarterdeck.server.engine.Cause;
import org.quarterdeck.server.engine.MultiplayerMode;

/** Loading and validating scenarios; errors name file, line and field. */
class ScenarioCatalogTest {
  private static String builtInText(String name) throws Exception {
    try (var in =
        ScenarioCatalogTest.class.getResourceAsStream("/scenarios/" + name + ".textproto")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void threeBuiltInsLoadEachWithItsOwnLesson() throws Exception {
    assertEquals(
        List.of("market-year", "disruption", "two-hats", "company"),
        ScenarioCatalog.builtInNames());
    assertEquals("market-year", ScenarioCatalog.defaultName());
    Set<String> lessons = new HashSet<>();
    for (String name : ScenarioCatalog.builtInNames()) {
      LoadedScenario s = ScenarioCatalog.builtIn(name);
      assertEquals(name, s.id());
      assertEquals(12, s.rules().totalTurns());
      assertTrue(lessons.add(s.scenario().getLesson()), "distinct lesson");
    }
    assertEquals(MultiplayerMode.MARKET, ScenarioCatalog.builtIn("market-year").rules().mode());
    assertEquals(MultiplayerMode.TWO_HATS, ScenarioCatalog.builtIn("two-hats").rules().mode());
    assertEquals(MultiplayerMode.COMPANY, ScenarioCatalog.builtIn("company").rules().mode());
  }

  @Test
  void syntaxErrorNamesFileLineAndColumn() {
    String text = "id: \"x\"\ntitle: \"T\"\nmood: GAME_MODE_MARKET\n";
    ScenarioException e =
        assertThrows(
            ScenarioException.class, () -> ScenarioCatalog.fromText("bad.textproto", text));
    ScenarioProblem p = e.problems().get(0);
    assertEquals("bad.textproto", p.source());
    assertEquals(3, p.line());
    assertEquals("mood", p.field());
    assertTrue(e.getMessage().startsWith("bad.textproto:3:"), e.getMessage());
  }

  @Test
  void semanticErrorNamesTheLineAndPathOfTheField() throws Exception {
    String text =
        builtInText("market-year")
            .replace(
                "effects { var: VAR_CAPABILITY amount: 0.15",
                "effects { var: VAR_CAPABILITY amount: 2200");
    int expectedLine = lineOf(text, "amount: 2200");
    ScenarioException e =
        assertThrows(
            ScenarioException.class, () -> ScenarioCatalog.fromText("mine.textproto", text));
    assertEquals(1, e.problems().size(), e.getMessage());
    ScenarioProblem p = e.problems().get(0);
    assertEquals(expectedLine, p.line());
    assertEquals("acts[4].effects[0].amount", p.field());
    assertTrue(p.message().contains("[-1000, 1000]"), p.message());
    assertTrue(e.getMessage().contains("mine.textproto:" + expectedLine + ":"), e.getMessage());
  }

  @Test
  void brokenReferencesAreFound() throws Exception {
    String text =
        builtInText("market-year")
            .replace("default_decision { act: \"vision\"", "default_decision { act: \"visoin\"")
            .replace("default_option: \"own-it\"", "default_option: \"deny\"")
            .replace("id: \"outage\"", "id: \"resignation\"")
            .replace("title: \"Market year\"", "title: \"  \"");
    ScenarioException e =
        assertThrows(
            ScenarioException.class, () -> ScenarioCatalog.fromText("refs.textproto", text));
    List<String> fields = e.problems().stream().map(ScenarioProblem::field).toList();
    assertTrue(fields.contains("default_decision[6].act"), fields.toString());
    assertTrue(fields.contains("dilemmas[1].default_option"), fields.toString());
    assertTrue(fields.contains("events[2].id"), fields.toString());
    assertTrue(fields.contains("title"), fields.toString());
    for (ScenarioProblem p : e.problems()) {
      assertTrue(p.line() > 0, "every problem has a line: " + p);
    }
    assertEquals(
        lineOf(text, "act: \"visoin\""),
        e.problems().stream()
            .filter(p -> p.field().equals("default_decision[6].act"))
            .findFirst()
            .orElseThrow()
            .line());
  }

  @Test
  void missingRequiredPartsAreReported() {
    ScenarioException e =
        assertThrows(
            ScenarioException.class,
            () -> ScenarioCatalog.fromText("empty.textproto", "# nothing here\n"));
    List<String> fields = e.problems().stream().map(ScenarioProblem::field).toList();
    assertTrue(
        fields.containsAll(
            List.of(
                "id", "mode", "calendar.turns_per_quarter", "acts", "dynamics.output_per_person")),
        fields.toString());
  }

  @Test
  void jsonScenariosLoadAndReportLines(@TempDir Path dir) throws Exception {
    LoadedScenario base = ScenarioCatalog.builtIn("market-year");
    String json = JsonFormat.printer().print(base.scenario());
    Path file = dir.resolve("copy.json");
    Files.writeString(file, json);
    LoadedScenario copy = ScenarioCatalog.fromFile(file);
    assertEquals(base.scenario(), copy.scenario());

    String bad = json.replace("\"GAME_MODE_MARKET\"", "\"GAME_MODE_UNSPECIFIED\"");
    ScenarioException e =
        assertThrows(ScenarioException.class, () -> ScenarioCatalog.fromText("upload.json", bad));
    ScenarioProblem p = e.problems().get(0);
    assertEquals("mode", p.field());
    assertEquals(lineOf(bad, "\"mode\""), p.line());
  }

  @Test
  void byNameOrFileExplainsWhatIsMissing() {
    ScenarioException e =
        assertThrows(
            ScenarioException.class, () -> ScenarioCatalog.byNameOrFile("no-such-scenario"));
    assertTrue(e.getMessage().contains("market-year"), e.getMessage());
  }

  @Test
  void twoHatsNeedsItsRules() throws Exception {
    String text = builtInText("two-hats").replaceAll("two_hats \\{[^}]*}", "");
    ScenarioException e =
        assertThrows(
            ScenarioException.class, () -> ScenarioCatalog.fromText("hats.textproto", text));
    assertEquals("two_hats", e.problems().get(0).field());
    assertEquals(
        GameMode.GAME_MODE_TWO_HATS, ScenarioCatalog.builtIn("two-hats").scenario().getMode());
  }

  private static int lineOf(String text, String needle) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(needle)) {
        return i + 1;
      }
    }
    throw new AssertionError("not found: " + needle);
  }

  @Test
  void engineCauseWordsComeFromTheScenario() throws Exception {
    String text =
        builtInText("market-year")
            .replace(
                "cause_labels { cause: \"NO_RECOGNITION\" label: \"no recognition\" }",
                "cause_labels { cause: \"NO_RECOGNITION\" label: \"nobody said thanks\" }");
    LoadedScenario s = ScenarioCatalog.fromText("words.textproto", text);
    assertEquals("nobody said thanks", s.rules().label(Cause.NO_RECOGNITION));
    String bad = text.replace("cause: \"INCIDENT\"", "cause: \"METEOR\"");
    ScenarioException e =
        assertThrows(
            ScenarioException.class, () -> ScenarioCatalog.fromText("words.textproto", bad));
    assertTrue(
        e.problems().get(0).field().matches("cause_labels\\[\\d+\\]\\.cause"), e.getMessage());
    assertEquals(lineOf(bad, "METEOR"), e.problems().get(0).line());
  }
}

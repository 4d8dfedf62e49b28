package org.quarterdeck.server.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.Contribution;
import org.quarterdeck.protocol.v1.DilemmaOptionView;
import org.quarterdeck.protocol.v1.DilemmaView;
import org.quarterdeck.protocol.v1.EventView;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionEnded;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.TurnReport;
import org.quarterdeck.protocol.v1.TurnResolved;
import org.quarterdeck.protocol.v1.VariableChange;

/** Scenario texts in other languages: the side file's format, its checks, and the rewriting. */
class ScenarioTranslationTest {
  static List<String> builtIns() {
    return ScenarioCatalog.builtInNames();
  }

  private static String resource(String path) throws Exception {
    try (InputStream in = ScenarioTranslationTest.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest
  @MethodSource("builtIns")
  void everyBuiltInHasACompleteGermanTranslationThatDiffersFromItsEnglish(String name)
      throws Exception {
    LoadedScenario loaded = ScenarioCatalog.builtIn(name);
    ScenarioTranslation german = loaded.translations().get("de");
    assertTrue(german != null, name + " has no German side file");
    Map<String, String> english = ScenarioTranslation.keysOf(loaded.scenario());
    for (Map.Entry<String, String> e : english.entrySet()) {
      String text = german.text(e.getKey()).orElseThrow(() -> new AssertionError(e.getKey()));
      assertFalse(text.isBlank(), e.getKey());
      // Sentences are translated; a one-word label may stay ("Coaching", "Stress").
      if (e.getValue().contains(" ") && e.getValue().length() > 20) {
        assertNotEquals(e.getValue(), text, name + " " + e.getKey() + " is still English");
      }
    }
  }

  @Test
  void aMissingKeyIsATypedErrorNamingIt() throws Exception {
    LoadedScenario english = ScenarioCatalog.builtIn("market-year");
    JsonObject json =
        JsonParser.parseString(resource("/scenarios/market-year.de.json")).getAsJsonObject();
    json.getAsJsonObject("acts").getAsJsonObject("coach").remove("description");
    json.getAsJsonObject("labels").remove("honest report");
    ScenarioException e =
        assertThrows(
            ScenarioException.class,
            () ->
                ScenarioTranslation.parse(
                    "market-year.de.json", "de", json.toString(), english.scenario()));
    Set<String> fields =
        e.problems().stream().map(ScenarioProblem::field).collect(Collectors.toSet());
    assertEquals(Set.of("acts.coach.description", "labels.honest report"), fields, e.getMessage());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
    assertTrue(e.getMessage().contains("market-year.de.json"), e.getMessage());
  }

  @Test
  void anExtraKeyAnEmptyTextAndANumberAreTypedErrorsNamingThem() throws Exception {
    LoadedScenario english = ScenarioCatalog.builtIn("market-year");
    JsonObject json =
        JsonParser.parseString(resource("/scenarios/market-year.de.json")).getAsJsonObject();
    json.getAsJsonObject("acts").getAsJsonObject("push").addProperty("motto", "Mehr!");
    json.getAsJsonObject("events").getAsJsonObject("outage").addProperty("title", " ");
    json.getAsJsonObject("dilemmas")
        .getAsJsonObject("blame")
        .getAsJsonObject("options")
        .addProperty("own-it", 3);
    ScenarioException e =
        assertThrows(
            ScenarioException.class,
            () ->
                ScenarioTranslation.parse("x.de.json", "de", json.toString(), english.scenario()));
    Map<String, String> byField =
        e.problems().stream()
            .collect(Collectors.toMap(ScenarioProblem::field, ScenarioProblem::message));
    assertTrue(byField.get("acts.push.motto").startsWith("extra"), e.getMessage());
    assertEquals("empty", byField.get("events.outage.title"), e.getMessage());
    assertEquals("must be a text", byField.get("dilemmas.blame.options.own-it"), e.getMessage());
    assertThrows(
        ScenarioException.class,
        () -> ScenarioTranslation.parse("x.de.json", "de", "[1, 2", english.scenario()));
  }

  @Test
  void aScenarioFileFindsItsSideFileAndABrokenOneStopsTheLoad(@TempDir Path dir) throws Exception {
    Path scenario = dir.resolve("my-year.textproto");
    Files.writeString(scenario, resource("/scenarios/market-year.textproto"));
    assertTrue(ScenarioCatalog.fromFile(scenario).translations().isEmpty());
    Files.writeString(dir.resolve("my-year.de.json"), resource("/scenarios/market-year.de.json"));
    assertEquals(
        "Marktjahr",
        ScenarioCatalog.fromFile(scenario).translations().get("de").text("title").orElseThrow());
    Files.writeString(dir.resolve("my-year.de.json"), "{\"title\": \"Nur ein Titel\"}");
    ScenarioException e =
        assertThrows(ScenarioException.class, () -> ScenarioCatalog.fromFile(scenario));
    assertTrue(e.getMessage().contains("my-year.de.json"), e.getMessage());
    assertTrue(e.problems().size() > 100, "every missing key is named: " + e.problems().size());
  }

  @Test
  void messagesAreRewrittenByIdAndEnglishOrAnUnknownLanguageLeavesThemAlone() throws Exception {
    LoadedScenario loaded = ScenarioCatalog.builtIn("market-year");
    ServerMessage opened =
        ServerMessage.newBuilder()
            .setTurnOpened(
                TurnOpened.newBuilder()
                    .setTurn(3)
                    .addActs(ActView.newBuilder().setId("push").setName("Push the numbers"))
                    .addEvents(
                        EventView.newBuilder()
                            .setId("outage")
                            .setTitle("A production outage")
                            .setNarrative("A critical system fails on a Monday morning."))
                    .addEvents(
                        EventView.newBuilder()
                            .setTitle("Pizza")
                            .setNarrative("The facilitator's own words")
                            .setInjected(true))
                    .addDilemmas(
                        DilemmaView.newBuilder()
                            .setId("shade-report")
                            .setText("You are a little short.")
                            .addOptions(
                                DilemmaOptionView.newBuilder().setId("honest").setText("x"))))
            .build();
    TurnOpened de = loaded.inLanguage(opened, "de").getTurnOpened();
    assertEquals("Zahlen treiben", de.getActs(0).getName());
    assertEquals("push", de.getActs(0).getId());
    assertEquals("Ein Produktionsausfall", de.getEvents(0).getTitle());
    assertEquals("Pizza", de.getEvents(1).getTitle(), "a custom event keeps its words");
    assertEquals(
        "Den Quartalsbericht schönen?",
        loaded.translations().get("de").text("dilemmas.shade-report.title").orElseThrow());
    assertEquals(
        "Die echte Zahl melden und die Lücke erklären.", de.getDilemmas(0).getOptions(0).getText());
    assertEquals(3, de.getTurn());
    assertEquals(opened, loaded.inLanguage(opened, "en"));
    assertEquals(opened, loaded.inLanguage(opened, "fr"));

    ServerMessage resolved =
        ServerMessage.newBuilder()
            .setTurnResolved(
                TurnResolved.newBuilder()
                    .setStateHash("abc")
                    .setReport(
                        TurnReport.newBuilder()
                            .addChanges(
                                VariableChange.newBuilder()
                                    .setName("morale")
                                    .addContributions(
                                        Contribution.newBuilder()
                                            .setLabel("no recognition")
                                            .setDelta(-2))
                                    .addContributions(
                                        Contribution.newBuilder().setLabel("not a label")))))
            .build();
    TurnResolved r = loaded.inLanguage(resolved, "de").getTurnResolved();
    assertEquals("keine Anerkennung", r.getReport().getChanges(0).getContributions(0).getLabel());
    assertEquals(-2, r.getReport().getChanges(0).getContributions(0).getDelta());
    assertEquals("not a label", r.getReport().getChanges(0).getContributions(1).getLabel());
    assertEquals("abc", r.getStateHash());

    String lesson = loaded.scenario().getLesson();
    ServerMessage snapshot =
        ServerMessage.newBuilder()
            .setSnapshot(
                Snapshot.newBuilder()
                    .setTitle("Friday workshop")
                    .setSummary(loaded.scenario().getSummary())
                    .setLesson(lesson)
                    .setEnded(SessionEnded.newBuilder().addDebrief(lesson).addDebrief("Team 1")))
            .build();
    Snapshot s = loaded.inLanguage(snapshot, "de").getSnapshot();
    assertEquals("Friday workshop", s.getTitle(), "a title the facilitator chose stays");
    assertTrue(s.getSummary().startsWith("Zwölf Monate"), s.getSummary());
    assertTrue(s.getLesson().startsWith("Reines Managen"), s.getLesson());
    assertEquals(s.getLesson(), s.getEnded().getDebrief(0));
    assertEquals("Team 1", s.getEnded().getDebrief(1));
  }
}

package org.quarterdeck.server.scenario;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.quarterdeck.protocol.v1.ActDefinition;
import org.quarterdeck.protocol.v1.CauseLabel;
import org.quarterdeck.protocol.v1.DilemmaDefinition;
import org.quarterdeck.protocol.v1.DilemmaOption;
import org.quarterdeck.protocol.v1.EffectDefinition;
import org.quarterdeck.protocol.v1.Scenario;
import org.quarterdeck.protocol.v1.ScenarioEvent;
import org.quarterdeck.server.engine.Cause;

/**
 * A scenario's texts for people in one more language, read from a side file {@code NAME.LANG.json}
 * next to the scenario and keyed by the scenario's own ids (docs/scenarios.md). The engine, the log
 * and the state hashes never see it: the session puts a message's texts into a connection's
 * language on the way out.
 */
public final class ScenarioTranslation {
  /** Labels at most this long, as scenario.proto limits the English ones. */
  private static final int MAX_LABEL_CHARS = 60;

  private final String language;
  private final Map<String, String> texts;

  private ScenarioTranslation(String language, Map<String, String> texts) {
    this.language = language;
    this.texts = Map.copyOf(texts);
  }

  /** The language, e.g. "de". */
  public String language() {
    return language;
  }

  /** The translation of one key ({@link #keysOf}); empty when the key is not a scenario text. */
  public Optional<String> text(String key) {
    return Optional.ofNullable(texts.get(key));
  }

  /**
   * Every text of a scenario that people read, by key, in file order: {@code title}, {@code
   * summary}, {@code lesson}, {@code turn_name}, {@code acts.ID.name|description}, {@code
   * events.ID.title|narrative}, {@code dilemmas.ID.title|text}, {@code dilemmas.ID.options.OPTION},
   * and {@code labels.LABEL} for each distinct effect and cause label, the engine's own word for a
   * cause the scenario does not name included (a report carries only the label, so the English
   * label is its id).
   */
  public static Map<String, String> keysOf(Scenario s) {
    requireNonNull(s, "s");
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("title", s.getTitle());
    keys.put("summary", s.getSummary());
    keys.put("lesson", s.getLesson());
    keys.put("turn_name", s.getCalendar().getTurnName());
    List<String> labels = new ArrayList<>();
    for (ActDefinition a : s.getActsList()) {
      keys.put("acts." + a.getId() + ".name", a.getName());
      keys.put("acts." + a.getId() + ".description", a.getDescription());
      a.getEffectsList().stream().map(EffectDefinition::getLabel).forEach(labels::add);
    }
    for (ScenarioEvent e : s.getEventsList()) {
      keys.put("events." + e.getId() + ".title", e.getTitle());
      keys.put("events." + e.getId() + ".narrative", e.getNarrative());
      e.getEffectsList().stream().map(EffectDefinition::getLabel).forEach(labels::add);
    }
    for (DilemmaDefinition d : s.getDilemmasList()) {
      keys.put("dilemmas." + d.getId() + ".title", d.getTitle());
      keys.put("dilemmas." + d.getId() + ".text", d.getText());
      for (DilemmaOption o : d.getOptionsList()) {
        keys.put("dilemmas." + d.getId() + ".options." + o.getId(), o.getText());
        o.getEffectsList().stream().map(EffectDefinition::getLabel).forEach(labels::add);
      }
    }
    s.getCauseLabelsList().stream().map(CauseLabel::getLabel).forEach(labels::add);
    // A cause the scenario does not name keeps the engine's English word: translate that too.
    Set<String> named =
        s.getCauseLabelsList().stream().map(CauseLabel::getCause).collect(Collectors.toSet());
    for (Cause cause : Cause.values()) {
      if (!named.contains(cause.name())) {
        labels.add(cause.label());
      }
    }
    for (String label : labels) {
      if (!label.isEmpty()) {
        keys.put("labels." + label, label);
      }
    }
    return keys;
  }

  /**
   * Reads and checks a translation: every key of {@link #keysOf} must be there with a non-empty
   * text, and nothing else; each problem names its key.
   *
   * @param source the file's name for messages
   */
  public static ScenarioTranslation parse(
      String source, String language, String json, Scenario english) throws ScenarioException {
    requireNonNull(source, "source");
    requireNonNull(language, "language");
    requireNonNull(json, "json");
    requireNonNull(english, "english");
    JsonElement root;
    try {
      root = JsonParser.parseString(json);
    } catch (JsonParseException e) {
      throw new ScenarioException(
          List.of(
              new ScenarioProblem(source, 0, 0, "translation", "invalid JSON: " + e.getMessage())));
    }
    List<ScenarioProblem> problems = new ArrayList<>();
    Map<String, String> texts = new LinkedHashMap<>();
    Set<String> present = new HashSet<>();
    if (!root.isJsonObject()) {
      problems.add(new ScenarioProblem(source, 0, 0, "translation", "must be a JSON object"));
    } else {
      flatten(source, "", root.getAsJsonObject(), texts, present, problems);
    }
    Map<String, String> expected = keysOf(english);
    for (String key : expected.keySet()) {
      if (!present.contains(key)) {
        problems.add(
            new ScenarioProblem(
                source,
                0,
                0,
                key,
                "missing: no " + language + " text for \"" + expected.get(key) + "\""));
      }
    }
    for (Map.Entry<String, String> e : texts.entrySet()) {
      String key = e.getKey();
      if (!expected.containsKey(key)) {
        problems.add(
            new ScenarioProblem(
                source, 0, 0, key, "extra: the scenario has no text with this key"));
      } else if (e.getValue().isBlank()) {
        problems.add(new ScenarioProblem(source, 0, 0, key, "empty"));
      } else if (key.startsWith("labels.") && e.getValue().length() > MAX_LABEL_CHARS) {
        problems.add(
            new ScenarioProblem(
                source, 0, 0, key, "a label is at most " + MAX_LABEL_CHARS + " characters"));
      }
    }
    if (!problems.isEmpty()) {
      throw new ScenarioException(problems);
    }
    return new ScenarioTranslation(language, texts);
  }

  private static void flatten(
      String source,
      String prefix,
      JsonObject object,
      Map<String, String> into,
      Set<String> present,
      List<ScenarioProblem> problems) {
    for (Map.Entry<String, JsonElement> e : object.entrySet()) {
      String key = prefix + e.getKey();
      JsonElement value = e.getValue();
      // Below "labels" the names are English labels, which may contain anything: no nesting.
      if (value.isJsonObject() && !prefix.startsWith("labels.")) {
        flatten(source, key + ".", value.getAsJsonObject(), into, present, problems);
        continue;
      }
      present.add(key);
      if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
        into.put(key, value.getAsString());
      } else {
        problems.add(new ScenarioProblem(source, 0, 0, key, "must be a text"));
      }
    }
  }
}

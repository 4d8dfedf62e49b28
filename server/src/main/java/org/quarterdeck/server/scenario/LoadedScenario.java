package org.quarterdeck.server.scenario;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.quarterdeck.protocol.v1.Scenario;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.server.engine.Rules;

/**
 * A validated scenario: where it came from, its schema message (for the wire and the event log),
 * its compiled engine rules and its texts in other languages, by language ("de").
 */
public record LoadedScenario(
    String source, Scenario scenario, Rules rules, Map<String, ScenarioTranslation> translations) {
  public LoadedScenario {
    requireNonNull(source, "source");
    requireNonNull(scenario, "scenario");
    requireNonNull(rules, "rules");
    translations = Map.copyOf(translations);
  }

  /** A scenario with no translation: its texts are shown as written. */
  public LoadedScenario(String source, Scenario scenario, Rules rules) {
    this(source, scenario, rules, Map.of());
  }

  /** The scenario's id. */
  public String id() {
    return scenario.getId();
  }

  /** The same scenario with a translation added (or replaced). */
  LoadedScenario with(ScenarioTranslation translation) {
    Map<String, ScenarioTranslation> more = new java.util.HashMap<>(translations);
    more.put(translation.language(), translation);
    return new LoadedScenario(source, scenario, rules, more);
  }

  /**
   * The message with its scenario texts in {@code language} where this scenario has them; the
   * message itself when it has none (English, or a language nobody translated it into).
   */
  public ServerMessage inLanguage(ServerMessage message, String language) {
    ScenarioTranslation translation = translations.get(language);
    return translation == null
        ? message
        : new TranslatedMessages(translation, scenario).translate(message);
  }
}

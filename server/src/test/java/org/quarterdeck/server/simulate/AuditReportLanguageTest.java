package org.quarterdeck.server.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.quarterdeck.server.engine.Rules;
import org.quarterdeck.server.scenario.ScenarioCatalog;

/**
 * {@code simulate --search}'s model-audit report speaks the command line's language: the same
 * figures of a real (tiny) search, reported in German, show no English sentence of the bundle and
 * write decimals with a comma; in English they read as before.
 */
class AuditReportLanguageTest {
  /** Two training and two held-out seeds, one pass: seconds, not the minutes of a real search. */
  private static final ExploitSearch.Settings TINY = new ExploitSearch.Settings(2, 2, 1, false);

  @Test
  void theReportIsGermanInGermanAndEnglishOtherwise() throws Exception {
    Rules rules = ScenarioCatalog.builtIn("market-year").rules();
    ModelAudit.Figures figures = ModelAudit.run(rules, TINY);

    String german = ModelAudit.report(rules, figures, Texts.in(Locale.GERMAN));
    assertTrue(german.startsWith("Szenario market-year: die Suche bewertete "), german);
    assertTrue(german.contains("Führungsanteil je Runde:"), german);
    assertTrue(german.contains("Moral 75 statt 25 zu Beginn"), german);
    assertTrue(german.matches("(?s).*\\d,\\d\\d.*"), "a German decimal comma: " + german);
    assertTrue(!german.matches("(?s).*\\d\\.\\d\\d.*"), "no decimal point: " + german);
    assertEquals(List.of(), SimulateEnglish.in(german), german);

    String english = ModelAudit.report(rules, figures);
    assertTrue(english.startsWith("scenario market-year: search scored "), english);
    assertTrue(english.contains("\nleadership share by turn: "), english);
    assertTrue(english.contains("\ndilemmas: "), english);
    assertTrue(english.contains("\nmorale 75 vs 25 at the start: year results "), english);
    assertEquals(german.lines().count(), english.lines().count(), english + german);
  }
}

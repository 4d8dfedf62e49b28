package org.quarterdeck.server.port;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.Welcome;

/** The server's sentences for people: bundles that agree, and translation on the way out. */
class ServerTextsTest {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\d\\}");

  private static Set<String> placeholders(String pattern) {
    Set<String> found = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(pattern);
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "org/quarterdeck/server/port/ErrorTexts",
        "org/quarterdeck/server/session/DebriefTexts"
      })
  void everyLanguageHasEveryKeyWithTheSameValuesAndNoMore(String baseName) {
    Phrasebook book = Phrasebook.load(baseName);
    Set<String> english = book.keys(Languages.DEFAULT);
    for (String language : Languages.SUPPORTED) {
      Set<String> missing = new TreeSet<>(english);
      missing.removeAll(book.keys(language));
      Set<String> extra = new TreeSet<>(book.keys(language));
      extra.removeAll(english);
      assertEquals(Set.of(), missing, baseName + " " + language + " lacks keys");
      assertEquals(Set.of(), extra, baseName + " " + language + " has keys English lacks");
      for (String key : english) {
        assertEquals(
            placeholders(book.pattern(Languages.DEFAULT, key)),
            placeholders(book.pattern(language, key)),
            baseName + " " + language + " " + key + ": the values {n} differ");
      }
    }
  }

  @Test
  void anErrorIsTranslatedWithItsValuesAndKeepsCodeAndField() {
    ServerMessage english =
        ServerMessage.newBuilder()
            .setRequestId(7)
            .setError(
                org.quarterdeck.protocol.v1.Error.newBuilder()
                    .setCode(ErrorCode.WRONG_PHASE)
                    .setMessage("the decision is for turn 3 but turn 4 is open")
                    .setField("submit_decision.turn"))
            .build();
    ServerMessage german = ServerTexts.inLanguage(english, "de");
    assertEquals(
        "die Entscheidung ist für Runde 3, offen ist aber Runde 4", german.getError().getMessage());
    assertEquals(ErrorCode.WRONG_PHASE, german.getError().getCode());
    assertEquals("submit_decision.turn", german.getError().getField());
    assertEquals(7, german.getRequestId());
    assertEquals(english, ServerTexts.inLanguage(english, "en"));
  }

  @Test
  void theMostSpecificPatternWinsAndAnUnknownSentenceStaysEnglish() {
    Phrasebook errors = ServerTexts.ERRORS;
    // "no session {0}" would match too; the longer literal pattern must win.
    assertEquals(
        "keine Sitzung hat diesen Beitrittscode",
        errors.translate("no session has that join code", "de"));
    assertEquals("keine Sitzung s-42", errors.translate("no session s-42", "de"));
    assertEquals(
        // the values take the German decimal comma
        "OVER_BUDGET: 250,00 Stunden gebucht, aber nur 240,00 verfügbar (90,00 frei + 150,00"
            + " Überstunden)",
        errors.translate(
            "OVER_BUDGET: 250.00 hours booked but only 240.00 are available (90.00 free + 150.00"
                + " overtime)",
            "de"));
    assertEquals(
        "a sentence nobody wrote down", errors.translate("a sentence nobody wrote down", "de"));
    assertEquals(
        "Hello was already answered", errors.translate("Hello was already answered", "en"));
  }

  @Test
  void aGoodbyeIsTranslatedAndOtherMessagesAreLeftAlone() {
    ServerMessage bye =
        ServerMessage.newBuilder()
            .setGoodbye(
                Goodbye.newBuilder()
                    .setReason(Goodbye.Reason.KICKED)
                    .setMessage("the facilitator removed you"))
            .build();
    assertEquals(
        "die Moderation hat Sie entfernt",
        ServerTexts.inLanguage(bye, "de").getGoodbye().getMessage());
    ServerMessage welcome =
        ServerMessage.newBuilder().setWelcome(Welcome.newBuilder().setServerName("x")).build();
    assertEquals(welcome, ServerTexts.inLanguage(welcome, "de"));
  }

  @Test
  void aClientsTagChoosesASupportedLanguageOrEnglish() {
    assertEquals("de", Languages.of("de-CH"));
    assertEquals("de", Languages.of("DE"));
    assertEquals("en", Languages.of("fr-FR"));
    assertEquals("en", Languages.of(""));
    assertEquals("en", Languages.of("de_DE; drop"));
    assertEquals(false, Languages.wellFormed("de_DE"));
    assertEquals(false, Languages.wellFormed("x".repeat(36)));
  }
}

package org.quarterdeck.server.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.TextFormat;
import org.junit.jupiter.api.Test;

/** Logs of one uploaded scenario share one parse; a different text is never handed another's. */
class LoggedScenariosTest {
  private static final String SOURCE = "upload";

  private static String text(String title) throws ScenarioException {
    return TextFormat.printer()
        .printToString(
            ScenarioCatalog.builtIn("market-year").scenario().toBuilder().setTitle(title).build());
  }

  @Test
  void aScenarioLoggedByManySessionsIsParsedOnce() throws Exception {
    LoggedScenarios cache = new LoggedScenarios(4);
    String text = text("Our year");
    LoadedScenario first = cache.load(SOURCE, text, "hash-a");
    for (int i = 0; i < 100; i++) {
      assertSame(first, cache.load(SOURCE, text, "hash-a"));
    }
    assertEquals(1, cache.parses());
    assertEquals("Our year", first.scenario().getTitle());
  }

  @Test
  void theSameHashWithAnotherTextIsParsedFromItsOwnText() throws Exception {
    LoggedScenarios cache = new LoggedScenarios(4);
    LoadedScenario ours = cache.load(SOURCE, text("Ours"), "same-hash");
    LoadedScenario theirs = cache.load(SOURCE, text("Theirs"), "same-hash");
    assertNotSame(ours, theirs);
    assertEquals("Theirs", theirs.scenario().getTitle());
    assertEquals(2, cache.parses());
  }

  @Test
  void theLeastRecentlyUsedGoesWhenFull() throws Exception {
    LoggedScenarios cache = new LoggedScenarios(2);
    String a = text("A");
    cache.load(SOURCE, a, "a");
    cache.load(SOURCE, text("B"), "b");
    cache.load(SOURCE, a, "a"); // A is now the most recent
    cache.load(SOURCE, text("C"), "c"); // B goes
    assertEquals(3, cache.parses());
    cache.load(SOURCE, a, "a");
    assertEquals(3, cache.parses());
    cache.load(SOURCE, text("B"), "b");
    assertEquals(4, cache.parses());
  }

  @Test
  void aTextThatDoesNotParseIsRefusedAndNotKept() {
    LoggedScenarios cache = new LoggedScenarios(2);
    assertThrows(ScenarioException.class, () -> cache.load(SOURCE, "title: ", "x"));
    assertThrows(ScenarioException.class, () -> cache.load(SOURCE, "title: ", "x"));
    assertEquals(0, cache.parses());
  }
}

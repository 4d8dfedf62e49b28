package org.quarterdeck.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The facilitator page's English and German bundles have the same keys, all prefixed. */
class FacilitatorBundlesTest {
  private static final Pattern KEY = Pattern.compile("^\\s*'([^']+)':", Pattern.MULTILINE);
  private static final Pattern USED =
      Pattern.compile("(?:t\\(|data-i18n(?:-[a-z-]+)?=\")'?(facilitator\\.[A-Za-z.]+)");

  static String resource(String path) throws IOException {
    try (InputStream in = FacilitatorBundlesTest.class.getResourceAsStream("/web/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Set<String> keys(String path) throws IOException {
    Set<String> keys = new TreeSet<>();
    Matcher m = KEY.matcher(resource(path));
    while (m.find()) {
      keys.add(m.group(1));
    }
    return keys;
  }

  @Test
  void englishAndGermanHaveTheSameKeysAndThePageUsesOnlyKnownOnes() throws IOException {
    Set<String> en = keys("assets/i18n/facilitator.en.js");
    Set<String> de = keys("assets/i18n/facilitator.de.js");
    assertEquals(en, de);
    assertTrue(en.stream().allMatch(k -> k.startsWith("facilitator.")), en.toString());
    for (String file : new String[] {"facilitator.html", "assets/facilitator.js"}) {
      Matcher m = USED.matcher(resource(file));
      while (m.find()) {
        String key = m.group(1);
        // A key ending in '.' is a prefix completed at run time (a phase, a column).
        assertTrue(
            key.endsWith(".") ? en.stream().anyMatch(k -> k.startsWith(key)) : en.contains(key),
            file + " uses an unknown key " + key);
      }
    }
  }
}

package org.quarterdeck.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every page bundle has the same keys in English and German (a missing or extra key fails here,
 * before any browser runs), all prefixed with the bundle's name, and the pages use only known keys.
 */
class PageBundlesTest {
  private static final Pattern KEY = Pattern.compile("^\\s*'([^']+)':", Pattern.MULTILINE);

  static String resource(String path) throws IOException {
    try (InputStream in = PageBundlesTest.class.getResourceAsStream("/web/" + path)) {
      if (in == null) {
        throw new IOException("no resource /web/" + path);
      }
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

  @ParameterizedTest
  @ValueSource(strings = {"common", "player", "facilitator", "replay"})
  void englishAndGermanHaveTheSameKeysAndThePagesUseOnlyKnownOnes(String bundle)
      throws IOException {
    Set<String> en = keys("assets/i18n/" + bundle + ".en.js");
    Set<String> de = keys("assets/i18n/" + bundle + ".de.js");
    Set<String> missing = new TreeSet<>(en);
    missing.removeAll(de);
    Set<String> extra = new TreeSet<>(de);
    extra.removeAll(en);
    assertEquals(Set.of(), missing, bundle + ".de.js lacks keys");
    assertEquals(Set.of(), extra, bundle + ".de.js has keys English lacks");
    assertTrue(en.size() > 5, bundle + " has hardly any keys: " + en);
    assertTrue(en.stream().allMatch(k -> k.startsWith(bundle + ".")), en.toString());
    Pattern used =
        Pattern.compile("(?:t\\(|data-i18n(?:-[a-z-]+)?=\")'?(" + bundle + "\\.[A-Za-z0-9.]+)");
    for (String file :
        List.of(
            "player.html",
            "facilitator.html",
            "replay.html",
            "assets/player.js",
            "assets/facilitator.js",
            "assets/replay.js",
            "assets/qd.js")) {
      Matcher m = used.matcher(resource(file));
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

package org.quarterdeck.server.port;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PropertyResourceBundle;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sentences the server writes for people, translated by a {@link ResourceBundle} per language.
 *
 * <p>The code keeps writing its sentences in English (they are also what the logs say); the English
 * bundle holds each as a pattern with {@code {0}}, {@code {1}}... where values go, and the other
 * languages hold the same keys. A sentence is translated on its way out by finding the English
 * pattern it matches and filling the values into that language's pattern. A sentence no pattern
 * matches stays English. This keeps the ~100 places that raise errors untouched.
 */
public final class Phrasebook {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d)\\}");

  /**
   * A decimal number as the code writes it (a point, no grouping), not part of a dotted name or
   * address such as "1.2.3" or "127.0.0.1".
   */
  private static final Pattern DECIMAL = Pattern.compile("(?<![\\d.])(\\d+)\\.(\\d+)(?![\\d.])");

  private record Phrase(String key, Pattern english, int literalChars) {}

  private final String baseName;
  private final List<Phrase> phrases;
  private final Map<String, ResourceBundle> bundles;

  /** Each language's decimal separator, looked up once (a locale's symbols cost a lookup each). */
  private final Map<String, String> decimalSeparators;

  private Phrasebook(String baseName, List<Phrase> phrases, Map<String, ResourceBundle> bundles) {
    this.baseName = baseName;
    this.phrases = phrases;
    this.bundles = bundles;
    Map<String, String> separators = new HashMap<>();
    for (String language : bundles.keySet()) {
      separators.put(
          language,
          String.valueOf(
              DecimalFormatSymbols.getInstance(Locale.forLanguageTag(language))
                  .getDecimalSeparator()));
    }
    this.decimalSeparators = Map.copyOf(separators);
  }

  /**
   * Loads {@code /BASE.properties} (English) and {@code /BASE_xx.properties} for every other
   * supported language, e.g. {@code org/quarterdeck/server/port/ErrorTexts}.
   */
  public static Phrasebook load(String baseName) {
    requireNonNull(baseName, "baseName");
    Map<String, ResourceBundle> bundles = new HashMap<>();
    for (String language : Languages.SUPPORTED) {
      String resource =
          "/"
              + baseName
              + (language.equals(Languages.DEFAULT) ? "" : "_" + language)
              + ".properties";
      bundles.put(language, read(resource));
    }
    ResourceBundle english = bundles.get(Languages.DEFAULT);
    List<Phrase> phrases = new ArrayList<>();
    for (String key : new TreeSet<>(english.keySet())) {
      String pattern = english.getString(key);
      phrases.add(
          new Phrase(key, regexOf(pattern), PLACEHOLDER.matcher(pattern).replaceAll("").length()));
    }
    // The most specific pattern wins: "no session has that join code" before "no session {0}".
    phrases.sort(Comparator.comparingInt(Phrase::literalChars).reversed());
    return new Phrasebook(baseName, List.copyOf(phrases), Map.copyOf(bundles));
  }

  private static ResourceBundle read(String resource) {
    try (InputStream in = Phrasebook.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("message bundle " + resource + " is missing");
      }
      return new PropertyResourceBundle(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static Pattern regexOf(String english) {
    StringBuilder regex = new StringBuilder();
    Matcher m = PLACEHOLDER.matcher(english);
    int at = 0;
    while (m.find()) {
      regex
          .append(Pattern.quote(english.substring(at, m.start())))
          .append("(?<p")
          .append(m.group(1))
          .append(">.*?)");
      at = m.end();
    }
    regex.append(Pattern.quote(english.substring(at)));
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  /**
   * The sentence in a language (a {@link Languages#of} result); unchanged for English, for a
   * language without a bundle and for a sentence no pattern matches.
   */
  public String translate(String english, String language) {
    requireNonNull(english, "english");
    ResourceBundle bundle = bundles.get(language);
    if (language.equals(Languages.DEFAULT) || bundle == null || english.isEmpty()) {
      return english;
    }
    for (Phrase phrase : phrases) {
      Matcher m = phrase.english().matcher(english);
      if (m.matches() && bundle.containsKey(phrase.key())) {
        Matcher slots = PLACEHOLDER.matcher(bundle.getString(phrase.key()));
        StringBuilder out = new StringBuilder();
        while (slots.find()) {
          String value;
          try {
            value = m.group("p" + slots.group(1));
          } catch (IllegalArgumentException noSuchGroup) {
            value = slots.group(); // a bundle names a value the English lacks: BundleTest finds it
          }
          slots.appendReplacement(out, Matcher.quoteReplacement(numbersIn(value, language)));
        }
        slots.appendTail(out);
        return out.toString();
      }
    }
    return english;
  }

  /**
   * A value with its decimal numbers written as {@code language} writes them ("2.5" is "2,5" in
   * German). Only the filled-in values change: the English text and the logs keep the point.
   */
  String numbersIn(String value, String language) {
    String separator = decimalSeparators.getOrDefault(language, ".");
    if (separator.equals(".") || value.indexOf('.') < 0) {
      return value;
    }
    return DECIMAL.matcher(value).replaceAll("$1" + Matcher.quoteReplacement(separator) + "$2");
  }

  /** The keys of one language's bundle (tests compare them across languages). */
  public Set<String> keys(String language) {
    ResourceBundle bundle = bundles.get(language);
    return bundle == null ? Set.of() : new TreeSet<>(bundle.keySet());
  }

  /** One language's pattern for a key (tests compare placeholders across languages). */
  public String pattern(String language, String key) {
    return bundles.get(language).getString(key);
  }

  @Override
  public String toString() {
    return "Phrasebook[" + baseName + "]";
  }
}

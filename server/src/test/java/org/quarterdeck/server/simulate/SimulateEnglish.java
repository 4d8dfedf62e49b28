package org.quarterdeck.server.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Finds {@code simulate}'s English in an output: every stretch of two English words or more in
 * {@code Texts.properties} (the text between conversions) that the German bundle does not use too.
 */
public final class SimulateEnglish {
  /** A Formatter conversion, the place of a value: {@code %d}, {@code %+.2f}, {@code %1$s}, %n. */
  public static final Pattern CONVERSION = Pattern.compile("%(\\d+\\$)?[-+#0-9.,]*[a-zA-Z%]");

  private SimulateEnglish() {}

  /** The English stretches of the bundle that {@code output} shows, each after its key. */
  public static List<String> in(String output) {
    ResourceBundle english = Texts.in(Locale.ROOT).bundle();
    ResourceBundle german = Texts.in(Locale.GERMAN).bundle();
    List<String> found = new ArrayList<>();
    for (String key : new TreeSet<>(english.keySet())) {
      for (String part : CONVERSION.split(english.getString(key))) {
        String words = part.strip();
        if (words.matches(".*[a-z]+ [a-z]+.*")
            && !german.getString(key).contains(words)
            && output.contains(words)) {
          found.add(key + ": " + words);
        }
      }
    }
    return found;
  }
}

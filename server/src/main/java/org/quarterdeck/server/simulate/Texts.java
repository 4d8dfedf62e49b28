package org.quarterdeck.server.simulate;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.ResourceBundle;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code simulate} prints for people, from {@code Texts*.properties} beside this class
 * (Formatter patterns) in the language of the usage help the command line gave this command;
 * English when it gave none. The package keeps its own bundle because it may not reach the command
 * line's ({@code docs/architecture.md}); the CSV file stays as it is.
 */
record Texts(ResourceBundle bundle) {
  static final String BUNDLE = "org.quarterdeck.server.simulate.Texts";

  Texts {
    requireNonNull(bundle, "bundle");
  }

  /** The texts in the language of {@code spec}'s usage help. */
  static Texts of(CommandSpec spec) {
    ResourceBundle usage = spec.commandLine().getResourceBundle();
    return in(usage == null ? Locale.ROOT : usage.getLocale());
  }

  /** The texts in {@code locale}, English when there are none for it (no JVM-locale fallback). */
  static Texts in(Locale locale) {
    return new Texts(
        ResourceBundle.getBundle(
            BUNDLE,
            requireNonNull(locale, "locale"),
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES)));
  }

  /** The pattern {@code key} formatted with {@code values}, numbers in the language's notation. */
  String say(String key, Object... values) {
    return format(bundle.getString(key), values);
  }

  /** A pattern without words (values and separators only), numbers in the language's notation. */
  String format(String pattern, Object... values) {
    Locale locale = bundle.getLocale();
    return String.format(locale.getLanguage().isEmpty() ? Locale.ROOT : locale, pattern, values);
  }
}

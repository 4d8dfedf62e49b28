package org.quarterdeck.server.cli;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import picocli.CommandLine;

/**
 * The language of the usage help: the bundle {@code Usage*.properties} beside this class, in the
 * language {@code QUARTERDECK_LANG} names (e.g. {@code de}), else the JVM's locale ({@code LANG},
 * {@code -Duser.language}), else English.
 */
final class UsageLanguage {
  static final String BUNDLE = "org.quarterdeck.server.cli.Usage";
  static final String VARIABLE = "QUARTERDECK_LANG";

  private UsageLanguage() {}

  /** The usage texts for {@code environment}'s language. */
  static ResourceBundle bundle(Map<String, String> environment) {
    return bundle(locale(environment));
  }

  /** The locale {@code QUARTERDECK_LANG} names, else the JVM's. */
  static Locale locale(Map<String, String> environment) {
    String language = requireNonNull(environment, "environment").get(VARIABLE);
    return language == null || language.isBlank()
        ? Locale.getDefault()
        : Locale.forLanguageTag(language.strip().replace('_', '-'));
  }

  /**
   * The usage texts in {@code locale}, English when there is no bundle for it. Without the JVM
   * locale as a fallback, so that {@code QUARTERDECK_LANG=en} gives English under a German locale.
   */
  static ResourceBundle bundle(Locale locale) {
    return bundle(BUNDLE, locale);
  }

  /** Another bundle of this jar ({@code baseName}) in {@code locale}, English when it lacks one. */
  static ResourceBundle bundle(String baseName, Locale locale) {
    return ResourceBundle.getBundle(
        baseName,
        requireNonNull(locale, "locale"),
        ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
  }

  /** Gives {@code line} and all its commands {@code bundle}. */
  static void apply(CommandLine line, ResourceBundle bundle) {
    line.setResourceBundle(requireNonNull(bundle, "bundle"));
    line.setParameterExceptionHandler(new UsageErrors());
  }
}

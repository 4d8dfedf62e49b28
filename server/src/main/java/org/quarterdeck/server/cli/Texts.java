package org.quarterdeck.server.cli;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.ResourceBundle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The sentences the command line prints for people while it runs (the start banner, start failures,
 * usage errors), from {@code Texts*.properties} beside this class in the language of the usage help
 * ({@link UsageLanguage}). Log lines stay English.
 */
record Texts(ResourceBundle bundle) {
  static final String BUNDLE = "org.quarterdeck.server.cli.Texts";

  private static final Pattern SLOT = Pattern.compile("\\{(\\d)\\}");

  Texts {
    requireNonNull(bundle, "bundle");
  }

  /** The texts in the language {@code spec}'s usage help is in. */
  static Texts of(CommandSpec spec) {
    ResourceBundle usage = spec.commandLine().getResourceBundle();
    return new Texts(UsageLanguage.bundle(BUNDLE, usage == null ? Locale.ROOT : usage.getLocale()));
  }

  /**
   * The sentence {@code key} with {@code {0}}, {@code {1}}... filled in; a {@code double} is
   * written with one decimal in the language's notation (see {@link #number}).
   */
  String say(String key, Object... values) {
    Matcher slot = SLOT.matcher(bundle.getString(key));
    StringBuilder out = new StringBuilder();
    while (slot.find()) {
      Object value = values[Integer.parseInt(slot.group(1))];
      String text = value instanceof Double d ? number(d, 1) : String.valueOf(value);
      slot.appendReplacement(out, Matcher.quoteReplacement(text));
    }
    slot.appendTail(out);
    return out.toString();
  }

  /** {@code value} with {@code digits} decimals in the language's notation ("2,5" in German). */
  String number(double value, int digits) {
    Locale locale = bundle.getLocale();
    return String.format(
        locale.getLanguage().isEmpty() ? Locale.ROOT : locale, "%." + digits + "f", value);
  }
}

package org.quarterdeck.server.port;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The languages the server writes texts for people in; English is the default and the fallback. */
public final class Languages {
  /** English first: it is what the code, the logs and the scenario files are written in. */
  public static final List<String> SUPPORTED = List.of("en", "de");

  public static final String DEFAULT = "en";

  /** Hello.language's limit, as wire.proto states it. */
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9-]{0,35}");

  private Languages() {}

  /** True when a client's tag is acceptable at all (it may still name a language we lack). */
  public static boolean wellFormed(String tag) {
    return tag != null && TAG.matcher(tag).matches();
  }

  /**
   * The supported language a tag asks for: "de-CH" and "DE" give "de"; an empty, unknown or
   * malformed tag gives English.
   */
  public static String of(String tag) {
    if (!wellFormed(tag) || tag.isEmpty()) {
      return DEFAULT;
    }
    int dash = tag.indexOf('-');
    String base = (dash < 0 ? tag : tag.substring(0, dash)).toLowerCase(Locale.ROOT);
    return SUPPORTED.contains(base) ? base : DEFAULT;
  }
}

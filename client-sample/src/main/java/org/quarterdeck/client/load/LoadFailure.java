package org.quarterdeck.client.load;

import java.util.Locale;

/**
 * Why a load run stopped, as a sentence of the bundle: {@code key} with {@code values}. The message
 * (for stack traces and logs) is the English sentence; {@code load} says it in its own language.
 */
final class LoadFailure extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  final String key;
  final transient Object[] values;

  LoadFailure(String key, Object... values) {
    super(Texts.in(Locale.ROOT).say(key, values));
    this.key = key;
    this.values = values.clone();
  }

  /** The failure in {@code t}'s language. */
  String in(Texts t) {
    return t.say(key, values);
  }

  /** The first {@code LoadFailure} among {@code e} and its causes, or null. */
  static LoadFailure among(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof LoadFailure f) {
        return f;
      }
    }
    return null;
  }
}

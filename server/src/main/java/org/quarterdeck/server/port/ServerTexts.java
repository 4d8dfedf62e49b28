package org.quarterdeck.server.port;

import static java.util.Objects.requireNonNull;

import org.quarterdeck.protocol.v1.ServerMessage;

/**
 * Puts the texts of an outgoing message that the server wrote for people (Error.message,
 * Goodbye.message) into the connection's language. Scenario texts are the session's business.
 */
public final class ServerTexts {
  /** Every error and goodbye sentence the server sends: {@code ErrorTexts*.properties}. */
  public static final Phrasebook ERRORS = Phrasebook.load("org/quarterdeck/server/port/ErrorTexts");

  private ServerTexts() {}

  /** The message with its error or goodbye sentence in {@code language}; others unchanged. */
  public static ServerMessage inLanguage(ServerMessage message, String language) {
    requireNonNull(message, "message");
    if (Languages.DEFAULT.equals(language)) {
      return message;
    }
    if (message.hasError()) {
      String text = ERRORS.translate(message.getError().getMessage(), language);
      return message.toBuilder().setError(message.getError().toBuilder().setMessage(text)).build();
    }
    if (message.hasGoodbye()) {
      String text = ERRORS.translate(message.getGoodbye().getMessage(), language);
      return message.toBuilder()
          .setGoodbye(message.getGoodbye().toBuilder().setMessage(text))
          .build();
    }
    return message;
  }
}

package org.quarterdeck.server.session;

import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionEnded;
import org.quarterdeck.server.port.Languages;
import org.quarterdeck.server.port.Phrasebook;
import org.quarterdeck.server.scenario.LoadedScenario;

/**
 * Puts a message for one connection into the language its client reads: the scenario's texts (by
 * id, from the scenario's translation) and the engine's debrief lines (by a phrasebook). Done as
 * the message leaves, so the log, the engine and the hashes stay in one language.
 */
final class SpokenTexts {
  /** The engine's debrief sentences: {@code DebriefTexts*.properties}. */
  static final Phrasebook DEBRIEF = Phrasebook.load("org/quarterdeck/server/session/DebriefTexts");

  private SpokenTexts() {}

  static ServerMessage forLanguage(LoadedScenario scenario, ServerMessage m, String language) {
    if (Languages.DEFAULT.equals(language)) {
      return m;
    }
    ServerMessage out = scenario.inLanguage(m, language);
    return switch (out.getBodyCase()) {
      case SESSION_ENDED ->
          out.toBuilder().setSessionEnded(debrief(out.getSessionEnded(), language)).build();
      case SNAPSHOT ->
          out.getSnapshot().hasEnded()
              ? out.toBuilder()
                  .setSnapshot(
                      out.getSnapshot().toBuilder()
                          .setEnded(debrief(out.getSnapshot().getEnded(), language)))
                  .build()
              : out;
      default -> out;
    };
  }

  private static SessionEnded debrief(SessionEnded ended, String language) {
    SessionEnded.Builder b = ended.toBuilder().clearDebrief();
    for (String line : ended.getDebriefList()) {
      b.addDebrief(line(line, language));
    }
    return b.build();
  }

  /** A line, or a facilitator's "TEAM: line", with the team's name kept as it is. */
  private static String line(String line, String language) {
    String whole = DEBRIEF.translate(line, language);
    int colon = line.indexOf(": ");
    if (!whole.equals(line) || colon < 0) {
      return whole;
    }
    String rest = line.substring(colon + 2);
    String translated = DEBRIEF.translate(rest, language);
    return translated.equals(rest) ? line : line.substring(0, colon + 2) + translated;
  }
}

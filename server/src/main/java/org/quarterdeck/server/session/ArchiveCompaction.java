package org.quarterdeck.server.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.quarterdeck.protocol.v1.SessionOpened;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.scenario.ScenarioException;

/**
 * What an archived session's log loses without losing anything a replay needs: the copy of a
 * built-in scenario's text (replaced by the built-in's name and hash, as new logs have it) and the
 * spectator admissions older logs kept (spectators are no longer restored).
 */
final class ArchiveCompaction {
  private ArchiveCompaction() {}

  /** The compacted records, or empty if there is nothing to compact. */
  static Optional<List<SessionRecord>> compact(List<SessionRecord> records) {
    if (records.isEmpty() || !records.get(0).hasOpened()) {
      return Optional.empty();
    }
    List<SessionRecord> out = new ArrayList<>(records.size());
    boolean changed = false;
    SessionOpened opened = records.get(0).getOpened();
    Optional<SessionOpened> named = namedBuiltIn(opened);
    if (named.isPresent()) {
      out.add(records.get(0).toBuilder().setOpened(named.get()).build());
      changed = true;
    } else {
      out.add(records.get(0));
    }
    for (int i = 1; i < records.size(); i++) {
      if (records.get(i).hasSpectatorAdmitted()) {
        changed = true;
      } else {
        out.add(records.get(i));
      }
    }
    return changed ? Optional.of(out) : Optional.empty();
  }

  /** The opening without its text, if the text is exactly the built-in its source names. */
  private static Optional<SessionOpened> namedBuiltIn(SessionOpened opened) {
    if (opened.getScenarioText().isEmpty()) {
      return Optional.empty();
    }
    Optional<String> name = ScenarioCatalog.builtInNameOf(opened.getScenarioSource());
    if (name.isEmpty()) {
      return Optional.empty();
    }
    try {
      String logged =
          ScenarioCatalog.sha256(
              ScenarioCatalog.fromText(opened.getScenarioSource(), opened.getScenarioText())
                  .scenario());
      String builtIn = ScenarioCatalog.sha256(ScenarioCatalog.builtIn(name.get()).scenario());
      if (!logged.equals(builtIn)) {
        return Optional.empty(); // the built-in changed since: this log must keep its text
      }
      return Optional.of(opened.toBuilder().clearScenarioText().setScenarioSha256(logged).build());
    } catch (ScenarioException e) {
      return Optional.empty();
    }
  }
}

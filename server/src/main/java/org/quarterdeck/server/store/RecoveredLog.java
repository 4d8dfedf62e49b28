package org.quarterdeck.server.store;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A log opened after a restart: what it held, and the handle to go on appending to it.
 *
 * @param contents the records read; when {@code contents.tornTail()} is set, the torn bytes have
 *     already been cut off the file
 * @param log present unless the log is corrupt, in which case the file was left untouched and the
 *     session must be quarantined
 */
public record RecoveredLog(LogReadResult contents, Optional<EventLog> log) {
  public RecoveredLog {
    requireNonNull(contents, "contents");
    requireNonNull(log, "log");
    if (contents.isCorrupt() == log.isPresent()) {
      throw new IllegalArgumentException("a corrupt log has no handle, and only a corrupt one");
    }
  }
}

package org.quarterdeck.server.cluster;

import java.util.concurrent.CompletableFuture;
import org.quarterdeck.protocol.v1.SessionRecord;

/** One record on its way to the database, and the future its session waits on. */
final class PendingRecord {
  final PostgresJournal journal;
  final SessionRecord record;
  final CompletableFuture<Void> done = new CompletableFuture<>();

  /** Assigned once, kept across retries, so a commit whose answer was lost is not doubled. */
  long seq = -1;

  PendingRecord(PostgresJournal journal, SessionRecord record) {
    this.journal = journal;
    this.record = record;
  }

  String sessionId() {
    return journal.sessionId;
  }

  /** The member's token hash a record carries (for routing a Resume), or null. */
  String tokenHash() {
    String hash =
        switch (record.getEventCase()) {
          case OPENED -> record.getOpened().getFacilitatorTokenHash();
          case SEAT_TAKEN -> record.getSeatTaken().getTokenHash();
          case SPECTATOR_ADMITTED -> record.getSpectatorAdmitted().getTokenHash();
          default -> null;
        };
    return hash == null || hash.isEmpty() ? null : hash;
  }
}

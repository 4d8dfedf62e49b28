package org.quarterdeck.server.cluster;

import java.util.concurrent.CompletableFuture;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.server.session.SessionJournal;

/**
 * One session's log on PostgreSQL. Appends go to the node's {@link RecordWriter}; once one fails,
 * later appends fail too until the session has been rebuilt from its durable rows ({@link
 * #reset(long)}), so the log never has a gap.
 */
final class PostgresJournal implements SessionJournal {
  final String sessionId;
  private final RecordWriter writer;

  /** The seq of the next record, or -1 when the writer must read it back first. Writer only. */
  long nextSeq;

  /** Whether this session's owner row exists. Writer thread only. */
  boolean owned;

  volatile boolean broken;

  PostgresJournal(String sessionId, RecordWriter writer, long nextSeq, boolean owned) {
    this.sessionId = sessionId;
    this.writer = writer;
    this.nextSeq = nextSeq;
    this.owned = owned;
  }

  @Override
  public CompletableFuture<Void> append(SessionRecord record) {
    if (broken) {
      return CompletableFuture.failedFuture(
          new ClusterStoreException(
              "an earlier record of session " + sessionId + " could not be saved"));
    }
    return writer.append(this, record);
  }

  @Override
  public void reset(long durableRecords) {
    broken = false;
  }
}

package org.quarterdeck.server.cluster;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.quarterdeck.protocol.v1.SessionRecord;

/**
 * The node's database writers: a few {@link WriterLane}s, each a thread with its own connection
 * that group-commits what its sessions queued. A session always goes to the same lane (by its id),
 * so its records stay in order; lanes commit concurrently, so one lane's commit (its fsync) does
 * not hold the others' batches back, and PostgreSQL flushes their WAL together. Sessions never wait
 * on a lane: their event loops queue and move on.
 */
final class RecordWriter implements AutoCloseable {
  /** Lanes by default: enough to keep a commit in flight while others are built. */
  static final int DEFAULT_LANES = 4;

  /** Records waiting at most, over all lanes; past that appends fail at once. */
  static final int MAX_QUEUED = 100_000;

  private final WriterLane[] lanes;
  private volatile boolean closing;

  RecordWriter(DataSource db, NodeLease lease, WriterStats stats, int lanes) {
    requireNonNull(db, "db");
    requireNonNull(lease, "lease");
    requireNonNull(stats, "stats");
    if (lanes < 1 || lanes > 64) {
      throw new IllegalArgumentException("writer lanes are 1..64, was " + lanes);
    }
    this.lanes = new WriterLane[lanes];
    for (int i = 0; i < lanes; i++) {
      this.lanes[i] =
          new WriterLane(db, lease, stats, MAX_QUEUED / lanes, "quarterdeck-db-writer-" + i);
    }
  }

  void start() {
    for (WriterLane lane : lanes) {
      lane.start();
    }
  }

  int lanes() {
    return lanes.length;
  }

  CompletableFuture<Void> append(PostgresJournal journal, SessionRecord record) {
    if (closing) {
      return CompletableFuture.failedFuture(new ClusterStoreException("the server is stopping"));
    }
    PendingRecord p = new PendingRecord(journal, record);
    if (!lanes[Math.floorMod(journal.sessionId.hashCode(), lanes.length)].offer(p)) {
      return CompletableFuture.failedFuture(
          new ClusterStoreException(
              "the database writer is overloaded (" + MAX_QUEUED + " records waiting)"));
    }
    return p.done;
  }

  /** Connection-level failures (SQLSTATE class 08), shutdowns (57P0x) and serialization retries. */
  static boolean transientFailure(SQLException e) {
    String state = e.getSQLState();
    if (state == null) {
      return e instanceof java.sql.SQLTransientException
          || e instanceof java.sql.SQLRecoverableException;
    }
    return state.startsWith("08")
        || state.startsWith("57P")
        || state.equals("40001")
        || state.equals("40P01")
        || state.equals("53300");
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    closing = true;
    for (WriterLane lane : lanes) {
      lane.closeAfterQueue();
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    for (WriterLane lane : lanes) {
      try {
        lane.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}

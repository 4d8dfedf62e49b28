package org.quarterdeck.server.cluster;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One database writer thread: takes every record queued since its last commit (up to {@link
 * #MAX_BATCH}), writes them with one {@link FencedAppend} statement and completes their futures
 * only after the commit. A session always goes to the same lane, so its records stay in order.
 */
final class WriterLane {
  private static final Logger log = LoggerFactory.getLogger(WriterLane.class);

  /** Records per statement at most. */
  static final int MAX_BATCH = 1000;

  private static final long MAX_BACKOFF_MILLIS = 500;

  private final DataSource db;
  private final NodeLease lease;
  private final WriterStats stats;
  private final LinkedBlockingQueue<PendingRecord> queue;
  private final Thread thread;
  private volatile boolean closing;

  WriterLane(DataSource db, NodeLease lease, WriterStats stats, int maxQueued, String name) {
    this.db = requireNonNull(db, "db");
    this.lease = requireNonNull(lease, "lease");
    this.stats = requireNonNull(stats, "stats");
    this.queue = new LinkedBlockingQueue<>(maxQueued);
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** False when the lane is full. */
  boolean offer(PendingRecord p) {
    return queue.offer(p);
  }

  private void run() {
    List<PendingRecord> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      PendingRecord first;
      try {
        first = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        break;
      }
      if (first == null) {
        if (closing) {
          break;
        }
        continue;
      }
      batch.clear();
      batch.add(first);
      queue.drainTo(batch, MAX_BATCH - 1);
      try {
        write(batch);
      } catch (RuntimeException e) {
        log.error("the database writer failed a batch", e);
        fail(batch, e);
      }
    }
    List<PendingRecord> left = new ArrayList<>();
    queue.drainTo(left);
    fail(left, new ClusterStoreException("the server stopped before this record was saved"));
  }

  private void write(List<PendingRecord> batch) {
    List<PendingRecord> live = new ArrayList<>(batch.size());
    for (PendingRecord p : batch) {
      if (p.journal.broken) {
        p.done.completeExceptionally(
            new ClusterStoreException(
                "an earlier record of session " + p.sessionId() + " could not be saved"));
      } else {
        live.add(p);
      }
    }
    for (int attempt = 0; !live.isEmpty(); attempt++) {
      if (!lease.held()) {
        stats.failed();
        fail(
            live,
            new ClusterStoreException(
                "this node does not hold its lease (fenced or"
                    + " cut off from the database); reconnect to reach the session's owner"));
        return;
      }
      long started = System.nanoTime();
      try {
        FencedAppend.Outcome outcome = commit(live);
        if (outcome.fenced()) {
          stats.fenced();
          fail(
              live,
              new ClusterStoreException(
                  "node "
                      + lease.nodeId()
                      + " epoch "
                      + lease.epoch()
                      + " was fenced: another node owns its sessions now"));
          return;
        }
        int written = 0;
        for (PendingRecord p : live) {
          if (outcome.owned().contains(p.sessionId())) {
            written++;
            p.journal.owned = true;
            p.done.complete(null);
          } else {
            p.journal.broken = true;
            p.done.completeExceptionally(
                new ClusterStoreException(
                    "this node no longer owns session "
                        + p.sessionId()
                        + "; reconnect to reach its owner"));
          }
        }
        stats.committed(written, (System.nanoTime() - started) / 1000);
        return;
      } catch (SQLException e) {
        if (!RecordWriter.transientFailure(e)) {
          stats.failed();
          log.error("a batch of {} records failed: {}", live.size(), e.getMessage());
          fail(
              live,
              new ClusterStoreException("the database refused the records: " + e.getMessage(), e));
          return;
        }
        // the database restarted or the network blinked: the same rows with the same seqs go
        // again while the lease holds; a commit that did land is recognised, not doubled
        stats.retried();
        log.warn(
            "database unavailable ({}); retrying a batch of {} records",
            e.getMessage(),
            live.size());
        sleep(Math.min(MAX_BACKOFF_MILLIS, 50L << Math.min(attempt, 4)));
      }
    }
  }

  private FencedAppend.Outcome commit(List<PendingRecord> live) throws SQLException {
    try (Connection c = db.getConnection()) {
      assignSeqs(c, live);
      Map<String, FencedAppend.NewSession> claim = new LinkedHashMap<>();
      for (PendingRecord p : live) {
        if (!p.journal.owned && !claim.containsKey(p.sessionId())) {
          claim.put(p.sessionId(), FencedAppend.NewSession.of(p.record));
        }
      }
      return FencedAppend.run(c, lease.nodeId(), lease.epoch(), claim, live);
    }
  }

  /** Seqs for records that have none yet; sessions that lost track learn theirs first. */
  private static void assignSeqs(Connection c, List<PendingRecord> rows) throws SQLException {
    Set<String> unknown = new HashSet<>();
    for (PendingRecord p : rows) {
      if (p.seq < 0 && p.journal.nextSeq < 0) {
        unknown.add(p.sessionId());
      }
    }
    if (!unknown.isEmpty()) {
      Map<String, Long> next = FencedAppend.nextSeqs(c, unknown);
      for (PendingRecord p : rows) {
        if (p.journal.nextSeq < 0) {
          p.journal.nextSeq = next.get(p.sessionId());
        }
      }
    }
    for (PendingRecord p : rows) {
      if (p.seq < 0) {
        p.seq = p.journal.nextSeq++;
      }
    }
  }

  private static void fail(List<PendingRecord> pending, Throwable error) {
    for (PendingRecord p : pending) {
      // the next append learns the seq from the database, after the session is rebuilt
      p.journal.broken = true;
      p.journal.nextSeq = -1;
      p.done.completeExceptionally(error);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops taking records once the queue is empty. */
  void closeAfterQueue() {
    closing = true;
  }

  void join(long millis) throws InterruptedException {
    thread.join(millis);
    if (thread.isAlive()) {
      thread.interrupt();
    }
  }
}

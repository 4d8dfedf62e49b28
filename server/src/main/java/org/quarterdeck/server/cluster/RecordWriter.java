package org.quarterdeck.server.cluster;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one database writer: a thread that takes every record queued since its last commit (up
 * to {@link #MAX_BATCH}), writes them in one transaction (one multi-row insert) and completes their
 * futures only after the commit. Sessions never wait on it: their event loops queue and move on.
 *
 * <p>Each transaction is fenced: it takes {@code FOR SHARE} on this node's lease row with its epoch
 * (a survivor's epoch bump waits for it, and after the bump it finds no row), and inserts only the
 * rows of sessions whose owner row names this node. Three round trips: fence and ownership, insert,
 * commit (plus one for the owner rows of new sessions).
 */
final class RecordWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RecordWriter.class);

  /** Records per transaction at most (three parameters each, far below PostgreSQL's 65535). */
  static final int MAX_BATCH = 1000;

  /** Records waiting at most; past that appends fail at once rather than pile up in memory. */
  static final int MAX_QUEUED = 100_000;

  private static final long MAX_BACKOFF_MILLIS = 500;

  private static final class Pending {
    final PostgresJournal journal;
    final SessionRecord record;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    /** Assigned once, kept across retries, so a commit whose answer was lost is not doubled. */
    long seq = -1;

    Pending(PostgresJournal journal, SessionRecord record) {
      this.journal = journal;
      this.record = record;
    }
  }

  /** This node's epoch is no longer live: nothing it appends is accepted, ever. */
  private static final class Fenced extends Exception {
    private static final long serialVersionUID = 1L;

    Fenced(String message) {
      super(message);
    }
  }

  private final DataSource db;
  private final NodeLease lease;
  private final WriterStats stats;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
  private final Thread thread;
  private volatile boolean closing;

  RecordWriter(DataSource db, NodeLease lease, WriterStats stats) {
    this.db = requireNonNull(db, "db");
    this.lease = requireNonNull(lease, "lease");
    this.stats = requireNonNull(stats, "stats");
    this.thread = new Thread(this::run, "quarterdeck-db-writer");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  CompletableFuture<Void> append(PostgresJournal journal, SessionRecord record) {
    if (closing) {
      return CompletableFuture.failedFuture(new ClusterStoreException("the server is stopping"));
    }
    Pending p = new Pending(journal, record);
    if (!queue.offer(p)) {
      return CompletableFuture.failedFuture(
          new ClusterStoreException(
              "the database writer is overloaded (" + MAX_QUEUED + " records waiting)"));
    }
    return p.done;
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      Pending first;
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
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    fail(left, new ClusterStoreException("the server stopped before this record was saved"));
  }

  private void write(List<Pending> batch) {
    List<Pending> live = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      if (p.journal.broken) {
        p.done.completeExceptionally(
            new ClusterStoreException(
                "an earlier record of session " + p.journal.sessionId + " could not be saved"));
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
        List<Pending> written = commit(live);
        stats.committed(written.size(), (System.nanoTime() - started) / 1000);
        for (Pending p : written) {
          p.journal.owned = true;
          p.done.complete(null);
        }
        return;
      } catch (Fenced e) {
        stats.fenced();
        fail(live, new ClusterStoreException(e.getMessage()));
        return;
      } catch (SQLException e) {
        if (!transientFailure(e)) {
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

  /**
   * One transaction: fence, claim owner rows of new sessions, keep only sessions this node owns,
   * insert, commit.
   *
   * @return the records that are now durable (the others' futures have failed)
   */
  private List<Pending> commit(List<Pending> live) throws SQLException, Fenced {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        claimNewSessions(c, live);
        Set<String> owned = fencedOwnership(c, live);
        List<Pending> rows = new ArrayList<>(live.size());
        for (Pending p : live) {
          if (owned.contains(p.journal.sessionId)) {
            rows.add(p);
          }
        }
        assignSeqs(c, rows);
        rememberTokens(c, rows);
        insert(c, rows);
        c.commit();
        List<Pending> refused = new ArrayList<>(live);
        refused.removeAll(rows);
        for (Pending p : refused) {
          p.journal.broken = true;
          p.done.completeExceptionally(
              new ClusterStoreException(
                  "this node no longer owns"
                      + " session "
                      + p.journal.sessionId
                      + "; reconnect to reach its owner"));
        }
        live.retainAll(rows);
        return rows;
      } catch (SQLException | RuntimeException | Fenced e) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // the connection is gone: PostgreSQL has rolled the transaction back already
        }
        throw e;
      }
    }
  }

  private void claimNewSessions(Connection c, List<Pending> live) throws SQLException {
    Map<String, String> fresh = new LinkedHashMap<>();
    for (Pending p : live) {
      if (!p.journal.owned && !fresh.containsKey(p.journal.sessionId)) {
        fresh.put(
            p.journal.sessionId, p.record.hasOpened() ? p.record.getOpened().getJoinCode() : null);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO session_owner (session_id,"
                + " node_id, join_code) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (Map.Entry<String, String> e : fresh.entrySet()) {
        p.setString(1, e.getKey());
        p.setString(2, lease.nodeId());
        p.setString(3, e.getValue());
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  /**
   * The fence and the ownership check in one round trip: {@code FOR SHARE} on this node's lease row
   * with its epoch (a survivor's epoch bump waits for this transaction; after it there is no row),
   * joined to the owner rows of the batch's sessions that name this node.
   *
   * @return the sessions of the batch this node owns
   */
  private Set<String> fencedOwnership(Connection c, List<Pending> live)
      throws SQLException, Fenced {
    Set<String> ids = new HashSet<>();
    for (Pending p : live) {
      ids.add(p.journal.sessionId);
    }
    Set<String> owned = new HashSet<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT o.session_id FROM node_lease l LEFT"
                + " JOIN session_owner o ON o.node_id = l.node_id AND o.session_id = ANY (?) WHERE"
                + " l.node_id = ? AND l.epoch = ? AND l.state = 'live' FOR SHARE OF l")) {
      p.setArray(1, c.createArrayOf("text", ids.toArray(new String[0])));
      p.setString(2, lease.nodeId());
      p.setLong(3, lease.epoch());
      boolean leaseRow = false;
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          leaseRow = true;
          if (r.getString(1) != null) {
            owned.add(r.getString(1));
          }
        }
      }
      if (!leaseRow) {
        throw new Fenced(
            "node "
                + lease.nodeId()
                + " epoch "
                + lease.epoch()
                + " was fenced: another node owns its sessions now");
      }
    }
    return owned;
  }

  private static void assignSeqs(Connection c, List<Pending> rows) throws SQLException {
    for (Pending p : rows) {
      if (p.seq >= 0) {
        continue;
      }
      if (p.journal.nextSeq < 0) {
        try (PreparedStatement q =
            c.prepareStatement(
                "SELECT coalesce(max(seq) + 1, 0) FROM" + " session_record WHERE session_id = ?")) {
          q.setString(1, p.journal.sessionId);
          try (ResultSet r = q.executeQuery()) {
            r.next();
            p.journal.nextSeq = r.getLong(1);
          }
        }
      }
      p.seq = p.journal.nextSeq++;
    }
  }

  private static void rememberTokens(Connection c, List<Pending> rows) throws SQLException {
    PreparedStatement p = null;
    try {
      for (Pending row : rows) {
        String hash = tokenHash(row.record);
        if (hash == null || hash.isEmpty()) {
          continue;
        }
        if (p == null) {
          p =
              c.prepareStatement(
                  "INSERT INTO member_token (token_hash, session_id) VALUES"
                      + " (?, ?) ON CONFLICT DO NOTHING");
        }
        p.setString(1, hash);
        p.setString(2, row.journal.sessionId);
        p.addBatch();
      }
      if (p != null) {
        p.executeBatch();
      }
    } finally {
      if (p != null) {
        p.close();
      }
    }
  }

  private static String tokenHash(SessionRecord r) {
    return switch (r.getEventCase()) {
      case OPENED -> r.getOpened().getFacilitatorTokenHash();
      case SEAT_TAKEN -> r.getSeatTaken().getTokenHash();
      case SPECTATOR_ADMITTED -> r.getSpectatorAdmitted().getTokenHash();
      default -> null;
    };
  }

  private void insert(Connection c, List<Pending> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    StringBuilder sql =
        new StringBuilder(80 + rows.size() * 12)
            .append(
                "INSERT INTO session_record (session_id, seq, node_epoch, body) SELECT v.s, v.q, ?, v.b"
                    + " FROM (VALUES (?, ?::bigint, ?::bytea)");
    for (int i = 1; i < rows.size(); i++) {
      sql.append(", (?, ?, ?)");
    }
    // joined to the owner row: a record of a session this node does not own is never inserted
    sql.append(
        ") AS v (s, q, b) JOIN session_owner o ON o.session_id = v.s AND o.node_id = ?"
            + " ON CONFLICT (session_id, seq) DO NOTHING");
    int inserted;
    try (PreparedStatement p = c.prepareStatement(sql.toString())) {
      int i = 1;
      p.setLong(i++, lease.epoch());
      for (Pending row : rows) {
        p.setString(i++, row.journal.sessionId);
        p.setLong(i++, row.seq);
        p.setBytes(i++, row.record.toByteArray());
      }
      p.setString(i, lease.nodeId());
      inserted = p.executeUpdate();
    }
    if (inserted < rows.size()) {
      verifyAlreadyThere(c, rows);
    }
  }

  /**
   * Some rows existed: a retry of a commit that landed although its answer was lost. Every such row
   * must hold exactly this record; anything else means two writers, which fencing forbids.
   */
  private static void verifyAlreadyThere(Connection c, List<Pending> rows) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT body FROM session_record WHERE" + " session_id = ? AND seq = ?")) {
      for (Pending row : rows) {
        p.setString(1, row.journal.sessionId);
        p.setLong(2, row.seq);
        try (ResultSet r = p.executeQuery()) {
          if (!r.next() || !Arrays.equals(r.getBytes(1), row.record.toByteArray())) {
            throw new SQLException(
                "session "
                    + row.journal.sessionId
                    + " already holds a"
                    + " different record "
                    + row.seq,
                "23505");
          }
        }
      }
    }
  }

  private static void fail(List<Pending> pending, Throwable error) {
    for (Pending p : pending) {
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

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    closing = true;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
    }
  }
}

package org.quarterdeck.server.cluster;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.quarterdeck.protocol.v1.SessionSummary;
import org.quarterdeck.server.session.SharedDesk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facilitator desk's shared state in the cluster's database: a facilitator's sessions on every
 * node in one query ({@code session_owner.facilitator}, with the summary each owner keeps in {@code
 * session_owner.summary} and the archive flags), the key that seals sign-in credentials ({@code
 * cluster_secret}), and the facilitator tokens handed out by OpenSession ({@code member_token}).
 *
 * <p>Summaries are written by the owner, not fetched from it when a list is asked for: a list then
 * costs one query whatever the number of nodes, needs no node-to-node call (nor a credential check
 * on each owner), and still shows a session whose node just died. A summary changes at most once a
 * live-view interval per session, and only its phase, turn or people count make a write: the
 * changes are gathered and written together, every {@link #WRITE_EVERY_MS} ms, one statement for
 * all of them, fenced by this node's lease and ownership like an append.
 */
public final class ClusterDesk implements SharedDesk, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterDesk.class);

  /** How often gathered summaries are written. */
  static final long WRITE_EVERY_MS = 200;

  /**
   * Times a summary is written again while its session has no owner row of this node: a new
   * session's row comes with its first record, which may commit after its first summary.
   */
  static final int MAX_MISSES = 50;

  /** Lists and token writes waiting at most; past that a request fails (never queued unbounded). */
  static final int MAX_WAITING = 1_000;

  static final String CREDENTIAL_KEY = "facilitator-credentials";

  /** The fingerprint of the accounts file the newest node with one started with. */
  static final String ACCOUNTS = "facilitator-accounts";

  private static final String LIST =
      "SELECT o.session_id, o.join_code, (extract(epoch FROM o.created_at) * 1000)::bigint,"
          + " o.summary, a.session_id IS NOT NULL FROM session_owner o"
          + " LEFT JOIN archived_session a ON a.session_id = o.session_id"
          + " WHERE o.facilitator = ? OR (? AND o.facilitator = '')";

  private static final String WRITE_SUMMARIES =
      "UPDATE session_owner o SET summary = v.b FROM unnest(?::text[], ?::bytea[]) AS v (s, b)"
          + " WHERE o.session_id = v.s AND o.node_id = ? AND EXISTS (SELECT 1 FROM node_lease l"
          + " WHERE l.node_id = ? AND l.epoch = ? AND l.state = 'live') RETURNING o.session_id";

  private final DataSource db;
  private final NodeLease lease;
  private final byte[] credentialKey;
  private final Map<String, SessionSummary> written = new ConcurrentHashMap<>();
  private final Map<String, SessionSummary> waiting = new ConcurrentHashMap<>();
  private final Map<String, Integer> misses = new ConcurrentHashMap<>();
  private final ExecutorService reads;
  private final ScheduledExecutorService writer;

  private ClusterDesk(DataSource db, NodeLease lease, byte[] credentialKey) {
    this.db = db;
    this.lease = lease;
    this.credentialKey = credentialKey;
    this.reads =
        new ThreadPoolExecutor(
            2,
            2,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(MAX_WAITING),
            daemon("quarterdeck-desk-reads"));
    this.writer = Executors.newSingleThreadScheduledExecutor(daemon("quarterdeck-desk-summaries"));
    writer.scheduleWithFixedDelay(
        this::writeSummaries, WRITE_EVERY_MS, WRITE_EVERY_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * The desk of this node; reads the cluster's credential key (made by the first node that needs
   * it).
   */
  public static ClusterDesk open(PostgresJournals journals) {
    requireNonNull(journals, "journals");
    try {
      return new ClusterDesk(
          journals.database(), journals.lease(), credentialKey(journals.database()));
    } catch (SQLException e) {
      throw new ClusterStoreException(
          "cannot read the cluster's credential key: " + e.getMessage(), e);
    }
  }

  private static byte[] credentialKey(DataSource db) throws SQLException {
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    execute(
        db,
        "INSERT INTO cluster_secret (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
        CREDENTIAL_KEY,
        fresh);
    try (Connection c = db.getConnection()) {
      try (PreparedStatement p =
          c.prepareStatement("SELECT value FROM cluster_secret WHERE name = ?")) {
        p.setString(1, CREDENTIAL_KEY);
        try (ResultSet r = p.executeQuery()) {
          r.next();
          return r.getBytes(1);
        }
      }
    }
  }

  @Override
  public byte[] credentialKey() {
    return credentialKey.clone();
  }

  @Override
  public void accountsStarted(String fingerprint) {
    requireNonNull(fingerprint, "fingerprint");
    try {
      execute(
          db,
          "INSERT INTO cluster_secret (name, value) VALUES (?, ?)"
              + " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
          ACCOUNTS,
          fingerprint.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    } catch (SQLException e) {
      throw new ClusterStoreException(
          "cannot record the facilitator accounts file: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean accountsCurrent(String fingerprint) {
    requireNonNull(fingerprint, "fingerprint");
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement("SELECT value FROM cluster_secret WHERE name = ?")) {
      p.setString(1, ACCOUNTS);
      try (ResultSet r = p.executeQuery()) {
        return !r.next()
            || fingerprint.equals(
                new String(r.getBytes(1), java.nio.charset.StandardCharsets.US_ASCII));
      }
    } catch (SQLException e) {
      log.debug("cannot read the accounts file's fingerprint: {}", e.getMessage());
      return true; // the database is away: this node's own file decides
    }
  }

  @Override
  public CompletableFuture<List<Listed>> sessionsOf(String facilitator, boolean alsoUnowned) {
    requireNonNull(facilitator, "facilitator");
    return onReads(() -> list(facilitator, alsoUnowned));
  }

  private List<Listed> list(String facilitator, boolean alsoUnowned) {
    List<Listed> listed = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement(LIST)) {
      p.setString(1, facilitator);
      p.setBoolean(2, alsoUnowned);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          listed.add(
              new Listed(
                  r.getString(1),
                  r.getString(2),
                  r.getLong(3),
                  summaryOf(r.getString(1), r.getBytes(4)),
                  r.getBoolean(5)));
        }
      }
      return listed;
    } catch (SQLException e) {
      throw new ClusterStoreException("cannot list the sessions: " + e.getMessage(), e);
    }
  }

  private static SessionSummary summaryOf(String sessionId, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return SessionSummary.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      log.warn("session {}: its stored summary does not parse; listed without it", sessionId);
      return null;
    }
  }

  @Override
  public void summaryChanged(SessionSummary summary) {
    String id = summary.getSessionId();
    if (summary.equals(written.get(id))) {
      return; // a live view changed (a decision, a message), the list's summary did not
    }
    written.put(id, summary);
    waiting.put(id, summary);
  }

  /** Writes every summary gathered since the last write, in one statement. */
  private void writeSummaries() {
    if (waiting.isEmpty() || !lease.held()) {
      return;
    }
    Map<String, SessionSummary> batch = new java.util.HashMap<>();
    for (String id : List.copyOf(waiting.keySet())) {
      SessionSummary s = waiting.remove(id);
      if (s != null) {
        batch.put(id, s);
      }
    }
    Set<String> done = new HashSet<>();
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement(WRITE_SUMMARIES)) {
      String[] ids = batch.keySet().toArray(new String[0]);
      byte[][] bodies = new byte[ids.length][];
      for (int i = 0; i < ids.length; i++) {
        bodies[i] = batch.get(ids[i]).toByteArray();
      }
      p.setArray(1, c.createArrayOf("text", ids));
      p.setArray(2, c.createArrayOf("bytea", bodies));
      p.setString(3, lease.nodeId());
      p.setString(4, lease.nodeId());
      p.setLong(5, lease.epoch());
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          done.add(r.getString(1));
        }
      }
    } catch (SQLException | RuntimeException e) {
      // the database is away: the summaries wait for the next write (newer ones win)
      log.debug("cannot write {} session summaries: {}", batch.size(), e.getMessage());
      batch.forEach(waiting::putIfAbsent);
      return;
    }
    for (Map.Entry<String, SessionSummary> e : batch.entrySet()) {
      String id = e.getKey();
      if (done.contains(id)) {
        misses.remove(id);
      } else if (misses.merge(id, 1, Integer::sum) < MAX_MISSES) {
        waiting.putIfAbsent(id, e.getValue()); // its owner row is not committed yet
      } else {
        // not this node's (any more): forget it, so that it is written again should it come back
        misses.remove(id);
        written.remove(id, e.getValue());
      }
    }
  }

  @Override
  public CompletableFuture<Void> facilitatorTokenAdmitted(String sessionId, String tokenHash) {
    requireNonNull(sessionId, "sessionId");
    requireNonNull(tokenHash, "tokenHash");
    return onReads(
        () -> {
          try {
            execute(
                db,
                "INSERT INTO member_token (token_hash, session_id) VALUES (?, ?)"
                    + " ON CONFLICT DO NOTHING",
                tokenHash,
                sessionId);
            return null;
          } catch (SQLException e) {
            throw new ClusterStoreException(
                "cannot store the facilitator token: " + e.getMessage(), e);
          }
        });
  }

  /** One statement with two parameters, committed when this returns. */
  private static void execute(DataSource db, String sql, Object first, Object second)
      throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      p.setObject(1, first);
      p.setObject(2, second);
      p.executeUpdate();
    }
  }

  private <T> CompletableFuture<T> onReads(Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, reads);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new ClusterStoreException("too many facilitator requests are waiting; try again", e));
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    writer.shutdownNow();
    reads.shutdownNow();
  }
}

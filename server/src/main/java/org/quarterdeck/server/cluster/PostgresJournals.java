package org.quarterdeck.server.cluster;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.UnsafeByteOperations;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.session.SessionJournal;
import org.quarterdeck.server.session.StoredLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session logs in PostgreSQL, one row per record, for a node of a cluster: the schema is migrated
 * at start, the node takes its lease, and the sessions it owns are recovered through the same path
 * as the file store's ({@code SessionManager.recoverAll}).
 */
public final class PostgresJournals implements Journals {
  private static final Logger log = LoggerFactory.getLogger(PostgresJournals.class);

  /**
   * Who this node is.
   *
   * @param nodeId stable across restarts: a restarted node takes its own sessions back
   * @param publicAddress where clients reach it (shown to operators, used for redirects)
   * @param internalAddress where other nodes reach it
   */
  public record Node(String nodeId, String publicAddress, String internalAddress) {
    public Node {
      requireNonNull(nodeId, "nodeId");
      requireNonNull(publicAddress, "publicAddress");
      requireNonNull(internalAddress, "internalAddress");
      if (!nodeId.matches("[A-Za-z0-9._:-]{1,64}")) {
        throw new IllegalArgumentException(
            "a node id is 1..64 letters, digits, '.', '_', ':'" + " or '-', was '" + nodeId + "'");
      }
    }
  }

  private final HikariDataSource db;
  private final NodeLease lease;
  private final RecordWriter writer;
  private final WriterStats stats;
  private final ScheduledExecutorService renewer;

  /** Logs read ahead for a takeover, taken by {@link #recoverUnparsed}. */
  private final Map<String, Rows> prefetched = new ConcurrentHashMap<>();

  /**
   * One session's rows as stored (parsed only when its session is rebuilt), or why they cannot be
   * trusted.
   */
  private record Rows(List<byte[]> bodies, String problem) {
    StoredLog log(SessionJournal journal) {
      return StoredLog.unparsed(
          bodies.size(),
          i -> UnsafeByteOperations.unsafeWrap(bodies.get(i)),
          problem,
          problem == null ? journal : null);
    }
  }

  /** Operators' reads (the cluster view), off the event loops; a flood is refused, not queued. */
  private final java.util.concurrent.ThreadPoolExecutor views =
      new java.util.concurrent.ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new java.util.concurrent.ArrayBlockingQueue<>(16),
          r -> {
            Thread t = new Thread(r, "quarterdeck-cluster-view");
            t.setDaemon(true);
            return t;
          });

  private PostgresJournals(HikariDataSource db, NodeLease lease, WriterStats stats, int lanes) {
    this.db = db;
    this.lease = lease;
    this.stats = stats;
    this.writer = new RecordWriter(db, lease, stats, lanes);
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "quarterdeck-lease");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Connects, migrates the schema, takes this node's lease and starts renewing it and the writer.
   *
   * @throws SQLException when the database cannot be reached or refuses the schema
   */
  public static PostgresJournals open(DatabaseUrl url, Node node) throws SQLException {
    return open(url, node, RecordWriter.DEFAULT_LANES);
  }

  /**
   * As {@link #open(DatabaseUrl, Node)}, with {@code writerLanes} database writers (each a thread
   * and a connection; a session always uses the same one).
   */
  public static PostgresJournals open(DatabaseUrl url, Node node, int writerLanes)
      throws SQLException {
    return open(url, node, writerLanes, System::nanoTime);
  }

  /** As above, on the given monotonic clock (tests pass their own). */
  static PostgresJournals open(
      DatabaseUrl url, Node node, int writerLanes, java.util.function.LongSupplier nanoTime)
      throws SQLException {
    requireNonNull(url, "url");
    requireNonNull(node, "node");
    if (writerLanes < 1 || writerLanes > 64) {
      throw new IllegalArgumentException("writer lanes are 1..64, was " + writerLanes);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url.jdbcUrl());
    if (url.user() != null) {
      config.setUsername(url.user());
    }
    if (url.password() != null) {
      config.setPassword(url.password());
    }
    config.setPoolName("quarterdeck-db");
    // the writer lanes, the lease, the takeover and a few reads (recovery, exports) at once
    config.setMaximumPoolSize(writerLanes + 4);
    config.setMinimumIdle(2);
    // short: the lease must notice a dead database within its 4 s of grace
    config.setConnectionTimeout(2_000);
    config.setValidationTimeout(1_000);
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("ApplicationName", "quarterdeck " + node.nodeId());
    HikariDataSource db;
    try {
      db = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new SQLException("cannot reach the database at " + url + ": " + rootMessage(e), e);
    }
    try {
      try (Connection c = db.getConnection()) {
        Schema.migrate(c);
      }
      NodeLease lease =
          new NodeLease(db, node.nodeId(), node.publicAddress(), node.internalAddress(), nanoTime);
      lease.acquire();
      PostgresJournals journals = new PostgresJournals(db, lease, new WriterStats(), writerLanes);
      journals.start();
      return journals;
    } catch (SQLException | RuntimeException e) {
      db.close();
      throw e;
    }
  }

  private void start() {
    renewer.scheduleWithFixedDelay(
        lease::renew,
        NodeLease.RENEW_EVERY.toMillis(),
        NodeLease.RENEW_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    writer.start();
  }

  @Override
  public SessionJournal create(String sessionId) {
    return new PostgresJournal(requireNonNull(sessionId, "sessionId"), writer, 0, false);
  }

  /** The sessions this node owns. */
  @Override
  public List<String> sessionIds() {
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT session_id FROM session_owner WHERE"
                    + " node_id = ? ORDER BY created_at, session_id")) {
      p.setString(1, lease.nodeId());
      List<String> ids = new ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          ids.add(r.getString(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw new ClusterStoreException("cannot list this node's sessions: " + e.getMessage(), e);
    }
  }

  @Override
  public Stored recover(String sessionId) {
    return recoverUnparsed(sessionId).parsed();
  }

  @Override
  public StoredLog recoverUnparsed(String sessionId) {
    Rows rows = prefetched.remove(sessionId);
    if (rows == null) {
      rows = readMany(List.of(sessionId)).get(sessionId);
    }
    return rows.log(new PostgresJournal(sessionId, writer, rows.bodies().size(), true));
  }

  @Override
  public Stored read(String sessionId) {
    return readMany(List.of(sessionId)).get(sessionId).log(null).parsed();
  }

  /**
   * Reads the rows of many sessions in one query for the {@link #recoverUnparsed} calls that follow
   * (a takeover rebuilding a chunk it has just claimed: nobody else appends to them any more).
   */
  void prefetch(List<String> sessionIds) {
    prefetched.putAll(readMany(sessionIds));
  }

  /** Drops what {@link #prefetch} read and no {@link #recover} took. */
  void forget(List<String> sessionIds) {
    sessionIds.forEach(prefetched::remove);
  }

  /** Each session's rows, in one query; a gap or an unreadable row is that session's problem. */
  private Map<String, Rows> readMany(List<String> sessionIds) {
    Map<String, List<byte[]>> bodies = new HashMap<>();
    Map<String, String> problems = new HashMap<>();
    for (String id : sessionIds) {
      bodies.put(id, new ArrayList<>());
    }
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT session_id, seq, body FROM session_record"
                    + " WHERE session_id = ANY (?::text[]) ORDER BY session_id, seq")) {
      p.setArray(1, c.createArrayOf("text", sessionIds.toArray(new String[0])));
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          String id = r.getString(1);
          long seq = r.getLong(2);
          List<byte[]> log = bodies.get(id);
          if (problems.containsKey(id)) {
            continue;
          }
          if (seq != log.size()) {
            problems.put(
                id, "record " + log.size() + " is missing (the next" + " row is " + seq + ")");
            continue;
          }
          log.add(r.getBytes(3));
        }
      }
    } catch (SQLException e) {
      for (String id : sessionIds) {
        problems.putIfAbsent(id, "cannot read the log from the database: " + e.getMessage());
      }
    }
    Map<String, Rows> rows = new HashMap<>();
    for (String id : sessionIds) {
      List<byte[]> log = bodies.get(id);
      String problem = problems.get(id);
      if (problem == null && log.isEmpty()) {
        problem = "no records for session " + id;
      }
      rows.put(id, new Rows(log, problem));
    }
    return rows;
  }

  /** The connection pool, for the takeover service. */
  javax.sql.DataSource database() {
    return db;
  }

  /** Runs when this node loses its lease (fenced, or cut off for 4 s). */
  public void onLeaseLost(Runnable action) {
    lease.onLost(action);
  }

  public NodeLease lease() {
    return lease;
  }

  public WriterStats stats() {
    return stats;
  }

  /**
   * The cluster as an operator sees it (GET /cluster): every node's lease and how many sessions it
   * owns, as JSON. Read on its own thread; fails when too many views are waiting.
   */
  public java.util.concurrent.CompletableFuture<String> clusterView() {
    try {
      return java.util.concurrent.CompletableFuture.supplyAsync(this::readClusterView, views);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(
          new ClusterStoreException("too many cluster views at once; try again"));
    }
  }

  private String readClusterView() {
    StringBuilder json =
        new StringBuilder(512)
            .append("{\"node\":\"")
            .append(lease.nodeId())
            .append("\",\"epoch\":")
            .append(lease.epoch())
            .append(",\"leaseHeld\":")
            .append(lease.held())
            .append(",\"nodes\":[");
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT l.node_id, l.epoch, l.state,"
                    + " (extract(epoch FROM l.expires_at - now()) * 1000)::bigint, l.public_addr,"
                    + " (SELECT count(*) FROM session_owner o WHERE o.node_id = l.node_id)"
                    + " FROM node_lease l ORDER BY l.node_id");
        ResultSet r = p.executeQuery()) {
      boolean first = true;
      while (r.next()) {
        json.append(first ? "" : ",")
            .append("{\"nodeId\":\"")
            .append(r.getString(1))
            .append("\",\"epoch\":")
            .append(r.getLong(2))
            .append(",\"state\":\"")
            .append(r.getString(3))
            .append("\",\"expiresInMillis\":")
            .append(r.getLong(4))
            .append(",\"publicAddress\":\"")
            .append(jsonText(r.getString(5)))
            .append("\",\"sessions\":")
            .append(r.getLong(6))
            .append('}');
        first = false;
      }
    } catch (SQLException e) {
      throw new ClusterStoreException("cannot read the cluster: " + e.getMessage(), e);
    }
    return json.append("]}\n").toString();
  }

  private static String jsonText(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** The cluster's counters in the Prometheus text format, for /metrics. */
  public String prometheusText() {
    return ClusterMetrics.text(lease, stats);
  }

  /** Writes what is queued, gives the lease up and disconnects. */
  @Override
  public void close() {
    views.shutdownNow();
    renewer.shutdownNow();
    writer.close();
    lease.release();
    db.close();
    log.info("node {} left the cluster", lease.nodeId());
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}

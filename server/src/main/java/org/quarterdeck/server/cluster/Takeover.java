package org.quarterdeck.server.cluster;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over the sessions of nodes that died or left. Every second a node that holds its lease
 * fences every expired lease (bumping its epoch, which waits for the dead node's in-flight batch,
 * so its log is final), then claims sessions of dead or departed nodes in chunks ({@code FOR UPDATE
 * SKIP LOCKED}, so survivors share the work), reads each chunk's rows in one query and hands them
 * to its {@link Successor}: the server's serves them at once and rebuilds them behind with the
 * per-turn hash check (docs/cluster.md, "Takeover").
 */
public final class Takeover implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Takeover.class);

  /** Sessions claimed per transaction (and read back in one query). */
  static final int CHUNK = 200;

  /** What a node does with sessions it has just claimed and read. */
  public interface Successor {
    /** Serves the claimed sessions here, rebuilt now or behind. */
    Served serve(List<String> sessionIds);

    /** Rebuilds each session before it counts as served (tests; the way before serve-at-once). */
    static Successor rebuildingEach(Predicate<String> rebuild) {
      requireNonNull(rebuild, "rebuild");
      return ids -> {
        int rebuilt = (int) ids.stream().filter(rebuild).count();
        return new Served(rebuilt, CompletableFuture.completedFuture(rebuilt));
      };
    }
  }

  /**
   * A chunk handed to the {@link Successor}.
   *
   * @param serving how many now answer requests here (claimed, read and indexed)
   * @param rebuilt completes once every one is rebuilt (or quarantined), with how many run here
   */
  public record Served(int serving, CompletableFuture<Integer> rebuilt) {
    public Served {
      requireNonNull(rebuilt, "rebuilt");
    }
  }

  private final DataSource db;
  private final PostgresJournals journals;
  private final NodeLease lease;
  private final Successor successor;
  private final IntSupplier sessionsOwned;
  private final ScheduledExecutorService thread;
  private final LongAdder nodesFenced = new LongAdder();
  private final LongAdder sessionsTaken = new LongAdder();
  private final AtomicLong lastClaimMillis = new AtomicLong();
  private final AtomicLong lastRebuildMillis = new AtomicLong();
  private final AtomicLong lastDetectMillis = new AtomicLong();
  private final AtomicLong lastRoundSessions = new AtomicLong();
  private final AtomicLong lastRoundMillis = new AtomicLong();
  private final AtomicLong lastRoundRebuiltMillis = new AtomicLong();

  /**
   * @param successor serves the sessions of each claimed chunk
   * @param sessionsOwned how many sessions this node serves now (for /metrics)
   */
  public Takeover(PostgresJournals journals, Successor successor, IntSupplier sessionsOwned) {
    this.journals = requireNonNull(journals, "journals");
    this.db = journals.database();
    this.lease = journals.lease();
    this.successor = requireNonNull(successor, "successor");
    this.sessionsOwned = requireNonNull(sessionsOwned, "sessionsOwned");
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "quarterdeck-takeover");
              t.setDaemon(true);
              return t;
            });
  }

  public void start() {
    thread.scheduleWithFixedDelay(
        this::tick,
        NodeLease.RENEW_EVERY.toMillis(),
        NodeLease.RENEW_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * One round: fence the expired, claim what they owned chunk by chunk and serve it. Returns how
   * many sessions now serve here (rebuilt, or answering while they are rebuilt behind). Public for
   * tests.
   */
  public int tick() {
    if (!lease.mayTakeOver()) {
      return 0;
    }
    try {
      fenceExpired();
      int taken = 0;
      long roundStarted = System.nanoTime();
      List<CompletableFuture<Integer>> rebuilds = new ArrayList<>();
      List<String> claimed = lease.held() ? claimAndRead() : List.of();
      while (!claimed.isEmpty()) {
        long serveStarted = System.nanoTime();
        Served served = successor.serve(claimed);
        journals.forget(claimed);
        rebuilds.add(served.rebuilt());
        taken += served.serving();
        sessionsTaken.add(served.serving());
        lastRebuildMillis.set((System.nanoTime() - serveStarted) / 1_000_000);
        log.info(
            "node {} serves {} more sessions taken over (claimed and read in {} ms, indexed in {}"
                + " ms)",
            lease.nodeId(),
            served.serving(),
            lastClaimMillis.get(),
            lastRebuildMillis.get());
        try {
          claimed = lease.held() ? claimAndRead() : List.of();
        } catch (SQLException e) {
          // what is claimed so far serves; the next round claims the rest
          log.warn("takeover round stopped: cannot claim the next chunk: {}", e.getMessage());
          claimed = List.of();
        }
      }
      if (taken > 0) {
        long millis = Math.max(1, (System.nanoTime() - roundStarted) / 1_000_000);
        lastRoundSessions.set(taken);
        lastRoundMillis.set(millis);
        log.info(
            "node {} took over {} sessions in {} ms ({} sessions/s): claimed, read and serving",
            lease.nodeId(),
            taken,
            millis,
            taken * 1000L / millis);
        reportRebuilds(rebuilds, roundStarted);
      }
      return taken;
    } catch (SQLException | RuntimeException e) {
      log.warn("takeover round failed: {}", e.getMessage());
      return 0;
    }
  }

  /** Logs when every session of the round is rebuilt behind (the second takeover figure). */
  private void reportRebuilds(List<CompletableFuture<Integer>> rebuilds, long roundStarted) {
    CompletableFuture.allOf(rebuilds.toArray(CompletableFuture[]::new))
        .thenRun(
            () -> {
              int rebuilt = rebuilds.stream().mapToInt(CompletableFuture::join).sum();
              long millis = Math.max(1, (System.nanoTime() - roundStarted) / 1_000_000);
              lastRoundRebuiltMillis.set(millis);
              log.info(
                  "node {} rebuilt {} sessions taken over, the last {} ms after the first claim"
                      + " ({} sessions/s)",
                  lease.nodeId(),
                  rebuilt,
                  millis,
                  rebuilt * 1000L / millis);
            });
  }

  /** Claims a chunk and reads its rows (one query each); the chunk's ids. */
  private List<String> claimAndRead() throws SQLException {
    long started = System.nanoTime();
    List<String> claimed = claimChunk();
    if (!claimed.isEmpty()) {
      journals.prefetch(claimed);
    }
    lastClaimMillis.set((System.nanoTime() - started) / 1_000_000);
    return claimed;
  }

  private void fenceExpired() throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "UPDATE node_lease SET epoch = epoch + 1,"
                    + " state = 'dead' WHERE state = 'live' AND expires_at < now() AND node_id <> ?"
                    + " RETURNING node_id, epoch, (extract(epoch FROM now() - expires_at) * 1000)::bigint")) {
      p.setString(1, lease.nodeId());
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          nodesFenced.increment();
          // detection = from the lease's expiry to its fencing (add the TTL for the last renewal)
          lastDetectMillis.set(r.getLong(3));
          log.warn(
              "node {} fenced node {} (its lease expired {} ms ago; now epoch {})",
              lease.nodeId(),
              r.getString(1),
              r.getLong(3),
              r.getLong(2));
        }
      }
    }
  }

  private List<String> claimChunk() throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "UPDATE session_owner SET node_id = ? WHERE"
                    + " session_id IN (SELECT o.session_id FROM session_owner o JOIN node_lease l ON"
                    + " l.node_id = o.node_id WHERE l.state <> 'live' ORDER BY o.session_id LIMIT ?"
                    + " FOR UPDATE OF o SKIP LOCKED) RETURNING session_id")) {
      p.setString(1, lease.nodeId());
      p.setInt(2, CHUNK);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          ids.add(r.getString(1));
        }
      }
    }
    return ids;
  }

  /** The takeover lines of /metrics. */
  public String prometheusText() {
    StringBuilder out = new StringBuilder(512);
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_sessions_owned",
        "Sessions this node serves.",
        "gauge",
        sessionsOwned.getAsInt());
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_nodes_fenced_total",
        "Expired leases this node fenced.",
        "counter",
        nodesFenced.sum());
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_sessions_taken_over_total",
        "Sessions this node took over (serving; each rebuilt then or behind).",
        "counter",
        sessionsTaken.sum());
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_takeover_detect_millis",
        "Last fencing: how long after the lease expired.",
        "gauge",
        lastDetectMillis.get());
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_takeover_claim_millis",
        "Last chunk claimed: milliseconds.",
        "gauge",
        lastClaimMillis.get());
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_takeover_rebuild_millis",
        "Last chunk handed to the sessions (indexed, or rebuilt): milliseconds.",
        "gauge",
        lastRebuildMillis.get());
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_takeover_round_sessions",
        "Last takeover round: sessions taken over.",
        "gauge",
        lastRoundSessions.get());
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_takeover_round_millis",
        "Last takeover round: milliseconds from the first claim to every session serving.",
        "gauge",
        lastRoundMillis.get());
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_takeover_round_rebuilt_millis",
        "Last takeover round: milliseconds from the first claim to the last rebuild.",
        "gauge",
        lastRoundRebuiltMillis.get());
    return out.toString();
  }

  public long sessionsTaken() {
    return sessionsTaken.sum();
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package org.quarterdeck.server.cluster;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * SKIP LOCKED}, so survivors share the work) and rebuilds each from its rows with the per-turn hash
 * check.
 */
public final class Takeover implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Takeover.class);

  /** Sessions claimed per transaction (and read back in one query). */
  static final int CHUNK = 200;

  /**
   * Rebuilds at once: each mostly waits (for its rows to parse, for a session thread to replay), so
   * a few overlap well even on two cores; bounded so that a takeover cannot starve live sessions.
   */
  static final int REBUILDERS = 4;

  private final DataSource db;
  private final PostgresJournals journals;
  private final NodeLease lease;
  private final Predicate<String> rebuild;
  private final IntSupplier sessionsOwned;
  private final ScheduledExecutorService thread;
  private final LongAdder nodesFenced = new LongAdder();
  private final LongAdder sessionsTaken = new LongAdder();
  private final AtomicLong lastClaimMillis = new AtomicLong();
  private final AtomicLong lastRebuildMillis = new AtomicLong();
  private final AtomicLong lastDetectMillis = new AtomicLong();
  private final AtomicLong lastRoundSessions = new AtomicLong();
  private final AtomicLong lastRoundMillis = new AtomicLong();
  private final ExecutorService rebuilders;

  /**
   * @param rebuild loads one session from its rows and serves it; false if it could not
   * @param sessionsOwned how many sessions this node serves now (for /metrics)
   */
  public Takeover(PostgresJournals journals, Predicate<String> rebuild, IntSupplier sessionsOwned) {
    this.journals = requireNonNull(journals, "journals");
    this.db = journals.database();
    this.lease = journals.lease();
    this.rebuild = requireNonNull(rebuild, "rebuild");
    this.sessionsOwned = requireNonNull(sessionsOwned, "sessionsOwned");
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "quarterdeck-takeover");
              t.setDaemon(true);
              return t;
            });
    AtomicLong rebuilderIds = new AtomicLong();
    this.rebuilders =
        Executors.newFixedThreadPool(
            REBUILDERS,
            r -> {
              Thread t = new Thread(r, "quarterdeck-rebuild-" + rebuilderIds.incrementAndGet());
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

  /** One round: fence the expired, claim and rebuild what they owned. Public for tests. */
  public int tick() {
    if (!lease.mayTakeOver()) {
      return 0;
    }
    try {
      fenceExpired();
      int taken = 0;
      long roundStarted = System.nanoTime();
      // claiming and reading chunk N+1 overlaps rebuilding chunk N
      List<String> claimed = lease.held() ? claimAndRead() : List.of();
      while (!claimed.isEmpty()) {
        long rebuildStarted = System.nanoTime();
        List<Future<Boolean>> rebuilding = startRebuilds(claimed);
        List<String> next = List.of();
        SQLException claimFailed = null;
        try {
          next = lease.held() ? claimAndRead() : List.of();
        } catch (SQLException e) {
          claimFailed = e;
        }
        int rebuilt = awaitRebuilds(rebuilding);
        journals.forget(claimed);
        taken += rebuilt;
        sessionsTaken.add(rebuilt);
        lastRebuildMillis.set((System.nanoTime() - rebuildStarted) / 1_000_000);
        log.info(
            "node {} took over {} sessions (the next chunk claimed and read meanwhile in {} ms):"
                + " {} ms",
            lease.nodeId(),
            rebuilt,
            lastClaimMillis.get(),
            lastRebuildMillis.get());
        if (claimFailed != null) {
          throw claimFailed;
        }
        claimed = next;
      }
      if (taken > 0) {
        long millis = Math.max(1, (System.nanoTime() - roundStarted) / 1_000_000);
        lastRoundSessions.set(taken);
        lastRoundMillis.set(millis);
        log.info(
            "node {} took over {} sessions in {} ms ({} sessions/s)",
            lease.nodeId(),
            taken,
            millis,
            taken * 1000L / millis);
      }
      return taken;
    } catch (SQLException | RuntimeException e) {
      log.warn("takeover round failed: {}", e.getMessage());
      return 0;
    }
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

  /** Starts rebuilding a claimed chunk on the bounded pool. */
  private List<Future<Boolean>> startRebuilds(List<String> claimed) {
    List<Future<Boolean>> results = new ArrayList<>(claimed.size());
    for (String id : claimed) {
      results.add(rebuilders.submit(() -> rebuild.test(id)));
    }
    return results;
  }

  /** How many of a chunk's sessions now serve here. */
  private static int awaitRebuilds(List<Future<Boolean>> results) {
    int rebuilt = 0;
    for (Future<Boolean> result : results) {
      try {
        rebuilt += result.get() ? 1 : 0;
      } catch (ExecutionException e) {
        // recover() quarantines a session it cannot rebuild; anything else is logged here
        log.warn("a session could not be rebuilt: {}", e.getCause().toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return rebuilt;
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
        "Sessions this node took over and rebuilt.",
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
        "Last chunk rebuilt: milliseconds.",
        "gauge",
        lastRebuildMillis.get());
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_takeover_round_sessions",
        "Last takeover round: sessions rebuilt.",
        "gauge",
        lastRoundSessions.get());
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_takeover_round_millis",
        "Last takeover round: milliseconds from the first claim to the last rebuild.",
        "gauge",
        lastRoundMillis.get());
    return out.toString();
  }

  public long sessionsTaken() {
    return sessionsTaken.sum();
  }

  @Override
  public void close() {
    thread.shutdownNow();
    rebuilders.shutdownNow();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

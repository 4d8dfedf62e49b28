package org.quarterdeck.server.cluster;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's lease row: taken at start (which bumps the node's epoch, fencing any older
 * incarnation of the same node id), renewed every second, and held only while renewals keep
 * succeeding by this node's own monotonic clock. Appends check the epoch in their transaction; this
 * class tells the node itself when to stop serving.
 */
public final class NodeLease {
  private static final Logger log = LoggerFactory.getLogger(NodeLease.class);

  /** How long a renewal keeps the lease in the database's eyes. */
  public static final Duration TTL = Duration.ofSeconds(5);

  /** How often the node renews. */
  public static final Duration RENEW_EVERY = Duration.ofSeconds(1);

  /**
   * How long the node serves without a successful renewal: less than the TTL, so it stops before
   * any survivor may consider its lease expired, even with a second of clock and network slack.
   */
  public static final Duration SERVE_WITHOUT_RENEWAL = Duration.ofSeconds(4);

  private final DataSource db;
  private final String nodeId;
  private final String publicAddress;
  private final String internalAddress;
  private final LongSupplier nanoTime;
  private final LongAdder renewals = new LongAdder();
  private final LongAdder failedRenewals = new LongAdder();
  private volatile long epoch;
  private volatile long renewedAtNanos;
  private volatile boolean fenced;
  private volatile boolean lostReported;
  private volatile long healthySinceNanos;
  private volatile boolean failedSinceHealthy;
  private volatile Runnable onLost = () -> {};
  private volatile Runnable onAdvertised = () -> {};

  /**
   * @param nanoTime the monotonic clock ({@code System::nanoTime}; tests pass their own)
   */
  NodeLease(
      DataSource db,
      String nodeId,
      String publicAddress,
      String internalAddress,
      LongSupplier nanoTime) {
    this.db = requireNonNull(db, "db");
    this.nodeId = requireNonNull(nodeId, "nodeId");
    this.publicAddress = requireNonNull(publicAddress, "publicAddress");
    this.internalAddress = requireNonNull(internalAddress, "internalAddress");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * Takes the lease under a new epoch: one more than any earlier incarnation of this node had, so
   * none of them can append again.
   *
   * @return the new epoch
   */
  long acquire() throws SQLException {
    long started = nanoTime.getAsLong();
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "INSERT INTO node_lease (node_id, epoch,"
                    + " public_addr, internal_addr, expires_at, state) VALUES (?, 1, ?, ?, now() + ?"
                    + " * interval '1 millisecond', 'live') ON CONFLICT (node_id) DO UPDATE SET epoch ="
                    + " node_lease.epoch + 1, public_addr = excluded.public_addr, internal_addr ="
                    + " excluded.internal_addr, expires_at = excluded.expires_at, state = 'live',"
                    + " started_at = now() RETURNING epoch")) {
      p.setString(1, nodeId);
      p.setString(2, publicAddress);
      p.setString(3, internalAddress);
      p.setLong(4, TTL.toMillis());
      try (ResultSet r = p.executeQuery()) {
        r.next();
        epoch = r.getLong(1);
      }
    }
    renewedAtNanos = started;
    healthySinceNanos = started;
    fenced = false;
    log.info("node {} holds its lease under epoch {}", nodeId, epoch);
    return epoch;
  }

  /**
   * Extends the lease by the TTL. Zero rows means another node bumped this node's epoch (or a newer
   * incarnation started): fenced for good.
   *
   * @return whether the lease is still held
   */
  boolean renew() {
    if (fenced) {
      return false;
    }
    long started = nanoTime.getAsLong();
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "UPDATE node_lease SET expires_at = now() + ?"
                    + " * interval '1 millisecond' WHERE node_id = ? AND epoch = ? AND state = 'live'")) {
      p.setQueryTimeout((int) Math.max(1, SERVE_WITHOUT_RENEWAL.toSeconds() - 1));
      p.setLong(1, TTL.toMillis());
      p.setString(2, nodeId);
      p.setLong(3, epoch);
      if (p.executeUpdate() == 0) {
        lose("its epoch " + epoch + " was fenced", true);
        return false;
      }
      // the renewal counts from when it was sent: the database may have applied it at once
      renewedAtNanos = started;
      renewals.increment();
      lostReported = false;
      if (failedSinceHealthy) {
        failedSinceHealthy = false;
        healthySinceNanos = started;
      }
      return true;
    } catch (SQLException e) {
      failedRenewals.increment();
      failedSinceHealthy = true;
      log.warn(
          "node {}: lease renewal failed ({}); {} ms left before it stops serving",
          nodeId,
          e.getMessage(),
          Math.max(0, millisLeft()));
      if (!held()) {
        lose("no renewal for " + SERVE_WITHOUT_RENEWAL.toSeconds() + " s", false);
      }
      return held();
    }
  }

  private void lose(String why, boolean forGood) {
    if (fenced || lostReported) {
      return;
    }
    // a lapse without fencing heals with the next successful renewal; a fence never does
    fenced = forGood;
    lostReported = true;
    log.error("node {} lost its lease: {}; it stops serving", nodeId, why);
    onLost.run();
  }

  /** Whether this node may serve: not fenced, and renewed recently by its own clock. */
  public boolean held() {
    return !fenced && millisLeft() > 0;
  }

  private long millisLeft() {
    return SERVE_WITHOUT_RENEWAL.toMillis() - (nanoTime.getAsLong() - renewedAtNanos) / 1_000_000L;
  }

  /**
   * Whether this node may declare others dead: it holds its lease and has renewed without a failure
   * for a whole TTL. After a database outage every lease looks expired; waiting one TTL lets the
   * other nodes renew first, so the outage alone triggers no takeover.
   */
  public boolean mayTakeOver() {
    return held() && nanoTime.getAsLong() - healthySinceNanos >= TTL.toNanos();
  }

  /** Whether another incarnation or a survivor has taken this node's epoch. */
  public boolean fenced() {
    return fenced;
  }

  /** Runs (once per loss, on the renewing thread) when the node must stop serving. */
  void onLost(Runnable action) {
    this.onLost = requireNonNull(action, "action");
  }

  /**
   * Records where this node listens once its ports are bound (a port of 0 is chosen by the system
   * only then): other nodes relay clients to {@code internalAddress}.
   */
  public void advertise(String publicAddress, String internalAddress) {
    requireNonNull(publicAddress, "publicAddress");
    requireNonNull(internalAddress, "internalAddress");
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "UPDATE node_lease SET public_addr = ?, internal_addr = ? WHERE node_id = ? AND"
                    + " epoch = ?")) {
      p.setString(1, publicAddress);
      p.setString(2, internalAddress);
      p.setString(3, nodeId);
      p.setLong(4, epoch);
      p.executeUpdate();
    } catch (SQLException e) {
      log.warn("node {}: could not record its addresses: {}", nodeId, e.getMessage());
      return;
    }
    onAdvertised.run();
  }

  /** Runs (on the advertising thread) once this node's addresses are in its lease row. */
  void whenAdvertised(Runnable action) {
    this.onAdvertised = requireNonNull(action, "action");
  }

  /** Marks the lease as left, so nobody waits for it to expire (a clean shutdown). */
  void release() {
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "UPDATE node_lease SET state = 'left',"
                    + " expires_at = now() WHERE node_id = ? AND epoch = ? AND state = 'live'")) {
      p.setString(1, nodeId);
      p.setLong(2, epoch);
      p.executeUpdate();
    } catch (SQLException e) {
      log.warn("node {}: could not release its lease: {}", nodeId, e.getMessage());
    }
  }

  public String nodeId() {
    return nodeId;
  }

  public long epoch() {
    return epoch;
  }

  public long renewals() {
    return renewals.sum();
  }

  public long failedRenewals() {
    return failedRenewals.sum();
  }
}

package org.quarterdeck.server.cluster;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.quarterdeck.server.port.OwnerDirectory;
import org.quarterdeck.server.port.SessionKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a session's owner node in the database from a join code, a token or a session id. A session
 * whose owner left (drained) or was fenced is claimed by this node on the spot and rebuilt here, so
 * a client that reconnects after a drain waits for one rebuild, not for the next takeover round.
 */
public final class SessionOwners implements OwnerDirectory, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionOwners.class);

  /** Lookups waiting at most; past that a client is told to try again (never queued unbounded). */
  static final int MAX_WAITING = 1_000;

  private static final String OWNER =
      "SELECT o.session_id, o.node_id, l.state, l.expires_at > now(), l.internal_addr,"
          + " l.public_addr FROM session_owner o LEFT JOIN node_lease l ON l.node_id = o.node_id";

  private final DataSource db;
  private final NodeLease lease;
  private final Predicate<String> rebuild;
  private final Predicate<String> held;
  private final LongAdder claimed = new LongAdder();
  private final ExecutorService lookups;
  private final java.util.concurrent.ScheduledExecutorService watch;
  private volatile java.util.Set<String> liveNodes = java.util.Set.of();
  private volatile java.util.Set<InetAddress> peers = java.util.Set.of();

  /**
   * @param rebuild loads a session this node just claimed from its rows and serves it
   * @param held whether this node serves a session now
   */
  public SessionOwners(
      PostgresJournals journals, Predicate<String> rebuild, Predicate<String> held) {
    this.held = requireNonNull(held, "held");
    this.db = journals.database();
    this.lease = journals.lease();
    this.rebuild = requireNonNull(rebuild, "rebuild");
    // two threads: a rebuild (tens of ms) must not hold up every other lookup
    this.lookups =
        new ThreadPoolExecutor(
            2,
            2,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(MAX_WAITING),
            r -> {
              Thread t = new Thread(r, "quarterdeck-session-owners");
              t.setDaemon(true);
              return t;
            });
    this.watch =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "quarterdeck-node-watch");
              t.setDaemon(true);
              return t;
            });
    watch.scheduleWithFixedDelay(
        this::lookAtNodes, 0, NodeLease.RENEW_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    // this node's own address counts as a peer's too (nodes sharing a host relay from it): known
    // as soon as it is written, not a second later
    lease.whenAdvertised(this::lookAtNodesNow);
  }

  private void lookAtNodesNow() {
    try {
      watch.execute(this::lookAtNodes);
    } catch (RejectedExecutionException e) {
      // closed: nothing to look for
    }
  }

  private void lookAtNodes() {
    java.util.Set<String> live = new java.util.HashSet<>();
    java.util.Set<InetAddress> addresses = new java.util.HashSet<>();
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT node_id, internal_addr FROM node_lease"
                    + " WHERE state = 'live' AND expires_at > now()");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        live.add(r.getString(1));
        InetAddress peer = hostOf(r.getString(2));
        if (peer != null) {
          addresses.add(peer);
        }
      }
      liveNodes = java.util.Set.copyOf(live);
      peers = java.util.Set.copyOf(addresses);
    } catch (SQLException e) {
      // the database is away: keep the last view rather than cut every relay during a blip
      log.debug("cannot read the node leases: {}", e.getMessage());
    }
  }

  @Override
  public boolean live(String node) {
    return liveNodes.contains(node);
  }

  /**
   * Whether {@code address} is a live node's internal address (at the last look, at most about a
   * second old): a connection from it may begin with a PROXY header naming the client it relays.
   */
  public boolean peer(InetAddress address) {
    return peers.contains(address);
  }

  /**
   * The host of {@code tcp://host:port} when it is an IP literal (never a name lookup), or null.
   */
  static InetAddress hostOf(String internalAddress) {
    try {
      String host = java.net.URI.create(internalAddress).getHost();
      if (host == null) {
        return null;
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      byte[] literal = io.netty.util.NetUtil.createByteArrayFromIpAddressString(host);
      return literal == null ? null : InetAddress.getByAddress(literal);
    } catch (IllegalArgumentException | java.net.UnknownHostException e) {
      return null;
    }
  }

  @Override
  public CompletableFuture<Place> locate(SessionKey key) {
    requireNonNull(key, "key");
    try {
      return CompletableFuture.supplyAsync(() -> find(key), lookups);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Place find(SessionKey key) {
    try {
      for (int attempt = 0; attempt < 3; attempt++) {
        Owner owner = owner(key);
        if (owner == null) {
          return Place.here();
        }
        if (owner.node().equals(lease.nodeId())) {
          // claimed by this node's takeover round and not rebuilt yet: a moment more
          return held.test(owner.session()) ? Place.here() : Place.moving(owner.node());
        }
        if (owner.live()) {
          return Place.elsewhere(owner.node(), owner.tcp(), owner.http());
        }
        if (!owner.gone()) {
          // its lease lapsed but nobody fenced it yet: the takeover round does that (only a node
          // that holds its own lease may, see NodeLease.mayTakeOver)
          return Place.moving(owner.node());
        }
        if (claim(owner)) {
          claimed.increment();
          boolean served = rebuild.test(owner.session());
          log.info(
              "node {} claimed session {} of node {} on a client's request{}",
              lease.nodeId(),
              owner.session(),
              owner.node(),
              served ? "" : " (it did not rebuild)");
          return Place.here();
        }
        // another survivor claimed it first: look again
      }
      return Place.moving("");
    } catch (SQLException e) {
      throw new ClusterStoreException("cannot look up a session's node: " + e.getMessage(), e);
    }
  }

  /** The owner row and its node's lease. */
  private record Owner(
      String session, String node, String state, boolean unexpired, String tcp, String http) {
    boolean live() {
      return "live".equals(state) && unexpired;
    }

    /** Left (drained) or fenced: its sessions are free to claim. */
    boolean gone() {
      return state == null || "dead".equals(state) || "left".equals(state);
    }
  }

  private Owner owner(SessionKey key) throws SQLException {
    String where =
        switch (key.kind()) {
          case JOIN_CODE -> " WHERE o.join_code = ?";
          case SESSION_ID -> " WHERE o.session_id = ?";
          case TOKEN_HASH ->
              " WHERE o.session_id = (SELECT session_id FROM member_token WHERE token_hash = ?)";
        };
    // a SessionKey holds a join code normalized and a token hashed, as the tables do
    String value = key.value();
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement(OWNER + where)) {
      p.setString(1, value);
      try (ResultSet r = p.executeQuery()) {
        if (!r.next()) {
          return null;
        }
        return new Owner(
            r.getString(1),
            r.getString(2),
            r.getString(3),
            r.getBoolean(4),
            r.getString(5),
            r.getString(6));
      }
    }
  }

  /**
   * Takes one session of a node that left or was fenced. The row lock makes this and the takeover
   * round's {@code SKIP LOCKED} claim exclusive: the loser sees the new owner and claims nothing.
   */
  private boolean claim(Owner owner) throws SQLException {
    if (!lease.held()) {
      return false;
    }
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "UPDATE session_owner SET node_id = ? WHERE session_id = ? AND node_id = ? AND"
                    + " EXISTS (SELECT 1 FROM node_lease WHERE node_id = ? AND state <> 'live')")) {
      p.setString(1, lease.nodeId());
      p.setString(2, owner.session());
      p.setString(3, owner.node());
      p.setString(4, owner.node());
      return p.executeUpdate() == 1;
    }
  }

  /** The routing lines of /metrics. */
  public String prometheusText(long relayedTotal, int relayingNow) {
    StringBuilder out = new StringBuilder(256);
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_relayed_connections_total",
        "Client connections relayed to the node that owns their session.",
        "counter",
        relayedTotal);
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_relaying_connections",
        "Client connections relayed to another node now.",
        "gauge",
        relayingNow);
    ClusterMetrics.metric(
        out,
        "quarterdeck_cluster_sessions_claimed_on_request_total",
        "Sessions of a departed or fenced node claimed when a client asked for them.",
        "counter",
        claimed.sum());
    return out.toString();
  }

  /** Sessions this node claimed because a client asked for them. */
  public long claimedOnRequest() {
    return claimed.sum();
  }

  @Override
  public void close() {
    watch.shutdownNow();
    lookups.shutdownNow();
  }
}

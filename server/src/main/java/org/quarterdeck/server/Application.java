package org.quarterdeck.server;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.quarterdeck.server.cluster.ClusterDesk;
import org.quarterdeck.server.cluster.PostgresJournals;
import org.quarterdeck.server.cluster.SessionOwners;
import org.quarterdeck.server.cluster.Takeover;
import org.quarterdeck.server.facilitator.ArchivedSessions;
import org.quarterdeck.server.http.Exporter;
import org.quarterdeck.server.http.HttpChannelInitializer;
import org.quarterdeck.server.http.RoutedExporter;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.Perimeter;
import org.quarterdeck.server.net.ProtocolDispatcher;
import org.quarterdeck.server.net.QuarterdeckServer;
import org.quarterdeck.server.net.RoutingGateway;
import org.quarterdeck.server.net.ServerAddresses;
import org.quarterdeck.server.port.SessionGateway;
import org.quarterdeck.server.session.EventLoopSessionThread;
import org.quarterdeck.server.session.EventStoreJournals;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.session.SessionManager;
import org.quarterdeck.server.store.StoreObserver;
import org.quarterdeck.server.store.StoreUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: wires the transports, the dispatcher, the sessions and the store. */
public final class Application implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Application.class);

  /** Sessions one server holds at most. */
  public static final int MAX_SESSIONS = 20_000;

  /**
   * Wrong join codes (or admin tokens) per client address and minute before the connections from it
   * that missed are refused; each connection also has a budget of 5 (see GuessLimiter).
   */
  public static final int JOIN_FAILURES_PER_MINUTE = 20;

  private final QuarterdeckServer server;
  private final SessionManager sessions;
  private final Journals storage;
  private final ServerAddresses addresses;

  /** The cluster's takeover service; null on the file store. */
  private final AutoCloseable takeover;

  private final AtomicReference<String> publicUrl;

  private Application(
      QuarterdeckServer server,
      SessionManager sessions,
      Journals storage,
      ServerAddresses addresses,
      AtomicReference<String> publicUrl,
      AutoCloseable takeover) {
    this.takeover = takeover;
    this.publicUrl = publicUrl;
    this.server = server;
    this.sessions = sessions;
    this.storage = storage;
    this.addresses = addresses;
  }

  /**
   * Opens the store, starts listening, then recovers every stored session (in parallel; not ready
   * until done) and returns.
   *
   * @throws IOException when the store cannot be opened (the journals are closed again)
   */
  public static Application start(ServerOptions options) throws InterruptedException, IOException {
    ServerMetrics metrics = new ServerMetrics();
    Journals sessionStorage =
        options
            .storage()
            .open(
                new StoreObserver() {
                  @Override
                  public void batchCommitted(int records, long nanos) {
                    metrics.batchCommitted(records, nanos);
                  }

                  @Override
                  public void fsynced(long nanos) {
                    metrics.fsynced(nanos);
                  }
                });
    ArchivedSessions archive;
    try {
      archive = options.storage().archive();
    } catch (IOException | RuntimeException e) {
      sessionStorage.close();
      throw e;
    }
    return start(options, sessionStorage, archive, metrics);
  }

  private static Application start(
      ServerOptions options,
      Journals sessionStorage,
      ArchivedSessions archive,
      ServerMetrics metrics)
      throws InterruptedException, IOException {
    ServerOptions.EventLoops loops = options.loops();
    NetLimits limits = options.limits();
    Perimeter perimeter = options.perimeter();
    EventLoopGroup workers = loops.transport().newGroup(loops.threads());
    metrics.watch(workers);
    if (sessionStorage instanceof EventStoreJournals files) {
      StoreUsage usage = files.usage();
      metrics.gauge(
          "quarterdeck_data_log_files",
          "Session log files in the data directory.",
          usage::logFiles);
      metrics.gauge(
          "quarterdeck_data_log_bytes",
          "Bytes of the session logs in the data" + " directory.",
          usage::logBytes);
      metrics.gauge(
          "quarterdeck_data_open_log_files",
          "Session log files held open now" + " (at most --max-open-logs).",
          usage::openLogFiles);
    }
    java.util.concurrent.ExecutorService disk =
        java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "quarterdeck-session-restore");
              t.setDaemon(true);
              return t;
            });
    SessionManager sessions =
        new SessionManager(
            () -> new EventLoopSessionThread(workers.next()),
            sessionStorage,
            options.adminToken(),
            MAX_SESSIONS,
            JOIN_FAILURES_PER_MINUTE,
            disk,
            options.sessionLimits());
    metrics.gauge(
        "quarterdeck_sessions_held",
        "Sessions held, archived ones included.",
        sessions::sessionCount);
    metrics.gauge(
        "quarterdeck_sessions_live", "Sessions not archived.", sessions::liveSessionCount);
    metrics.gauge(
        "quarterdeck_sessions_archived",
        "Archived sessions held, each as a small summary.",
        sessions::archivedSessionCount);
    metrics.gauge(
        "quarterdeck_sessions_archived_taken_out",
        "Archived sessions rebuilt from their logs for a request and kept (a bounded few).",
        sessions::archivedSessionsTakenOut);
    AtomicReference<String> publicUrl = new AtomicReference<>("");
    // Password hashing (about a CPU second each) runs here, one at a time, never on a loop.
    java.util.concurrent.ExecutorService desk =
        java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "quarterdeck-facilitator-desk");
              t.setDaemon(true);
              return t;
            });
    // a cluster node's desk lists, opens and archives sessions on every node (docs/cluster.md)
    ClusterDesk sharedDesk =
        sessionStorage instanceof PostgresJournals cluster ? ClusterDesk.open(cluster) : null;
    sessions.useFacilitators(options.accounts(), archive, desk, publicUrl::get, sharedDesk);
    sessions.timeTurns(metrics::turnClosed);
    metrics.sessionsByPhase(sessions::sessionsByPhase);
    // /healthz and /readyz say "recovering: n of m" (not ready) until every log is read
    sessions.recoveryProgress().starting();
    metrics.recovering(
        () -> sessions.recoveryProgress().describe(), () -> sessions.recoveryProgress().finished());
    Takeover rounds = null;
    AutoCloseable takeover = null;
    SessionGateway gateway = sessions;
    Perimeter edge = perimeter;
    Exporter exporter =
        (id, token, csv) ->
            sessions.export(
                id,
                token,
                csv ? SessionManager.ExportFormat.CSV : SessionManager.ExportFormat.JSON);
    if (sessionStorage instanceof PostgresJournals cluster) {
      // claimed sessions serve at once and are rebuilt behind (docs/cluster.md, "Takeover")
      Takeover takeoverRounds =
          new Takeover(
              cluster,
              ids -> {
                rereadArchiveFlags(archive, ids); // set by the old owner after this node started
                SessionManager.TakenOver taken = sessions.takeOver(ids);
                return new Takeover.Served(taken.serving(), taken.rebuilt());
              },
              sessions::sessionCount);
      rounds = takeoverRounds;
      // any node accepts any connection: sessions of other nodes are relayed to their owner
      SessionOwners owners =
          new SessionOwners(
              cluster,
              id -> {
                rereadArchiveFlags(archive, List.of(id));
                return sessions.recover(id);
              },
              sessions::holds);
      RoutingGateway routing = new RoutingGateway(sessions, owners, workers, loops.transport());
      // a node relaying a client names it in a PROXY header: the other nodes' addresses may
      edge = perimeter.withTrustedProxies(perimeter.proxies().withPeers(owners::peer));
      gateway = routing;
      exporter = new RoutedExporter(exporter, owners);
      // ready = the lease is held (and start-up recovery done: see metrics.recovering)
      metrics.addSource(
          () ->
              cluster.prometheusText()
                  + takeoverRounds.prometheusText()
                  + owners.prometheusText(routing.relayedConnections(), routing.relaying()),
          () -> cluster.lease().held());
      metrics.addClusterView(cluster::clusterView);
      takeover =
          () -> {
            takeoverRounds.close();
            owners.close();
            sharedDesk.close();
          };
    }
    Exporter exports = exporter;
    QuarterdeckServer server =
        new QuarterdeckServer(
            options.http(),
            options.tcp(),
            limits,
            new ProtocolDispatcher(limits, gateway, options.serverName(), publicUrl::get),
            metrics,
            tail ->
                new HttpChannelInitializer(
                    tail, metrics, exports, sessions::roomJoinCode, perimeter.origins()),
            loops.transport(),
            workers,
            edge);
    try {
      // listen first, then recover: a load balancer sees /healthz "recovering: n of m" and a
      // client that names a session not read yet is told to retry (never "unknown")
      ServerAddresses addresses = server.start();
      publicUrl.set(addresses.httpUrl());
      if (sessionStorage instanceof PostgresJournals cluster) {
        // the ports are known only now (0 picks one): other nodes relay to this one there
        cluster.lease().advertise(addresses.httpUrl(), "tcp://" + reachable(addresses.tcp()));
      }
      if (rounds != null) {
        recover(sessions, options.recoveryThreads());
      } else {
        serveWhileRebuilding(sessions, options.recoveryThreads());
      }
      if (rounds != null) {
        rounds.start(); // after recovery: both would otherwise open the same logs
      }
      return new Application(server, sessions, sessionStorage, addresses, publicUrl, takeover);
    } catch (RuntimeException | InterruptedException e) {
      if (takeover != null) {
        try {
          takeover.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      server.close();
      sessionStorage.close();
      throw e;
    }
  }

  /** A cluster node learns the archive flags of sessions it takes over (docs/cluster.md). */
  private static void rereadArchiveFlags(ArchivedSessions archive, List<String> sessionIds) {
    try {
      archive.reread(sessionIds);
    } catch (IOException e) {
      log.warn(
          "the archive flags of {} sessions taken over: {}", sessionIds.size(), e.getMessage());
    }
  }

  /** Recovers every stored session, a bounded number at once, and says how it went. */
  private static void recover(SessionManager sessions, int threads) {
    long started = System.nanoTime();
    int recovered =
        sessions.recoverAll(threads == 0 ? SessionManager.DEFAULT_RECOVERY_THREADS : threads);
    if (recovered > 0 || !sessions.quarantined().isEmpty()) {
      log.info(
          "recovered {} sessions, {} quarantined, in {} ms",
          recovered,
          sessions.quarantined().size(),
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  /**
   * Reads every stored log and serves at once; sessions are rebuilt behind, or first when a request
   * names one or its deadline falls due (docs/performance.md, start-up recovery).
   */
  private static void serveWhileRebuilding(SessionManager sessions, int threads) {
    long started = System.nanoTime();
    sessions
        .serveWhileRebuilding(threads == 0 ? SessionManager.DEFAULT_RECOVERY_THREADS : threads)
        .whenComplete(
            (recovered, error) -> {
              if (error != null) {
                log.error("rebuilding sessions behind failed", error);
              } else if (recovered > 0 || !sessions.quarantined().isEmpty()) {
                log.info(
                    "recovered {} sessions, {} quarantined, in {} ms",
                    recovered,
                    sessions.quarantined().size(),
                    (System.nanoTime() - started) / 1_000_000);
              }
            });
  }

  /** host:port where other nodes reach a listener: a wildcard bind names this host's address. */
  private static String reachable(InetSocketAddress bound) {
    String host = bound.getAddress().getHostAddress();
    if (bound.getAddress().isAnyLocalAddress()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostAddress();
      } catch (java.net.UnknownHostException e) {
        host = "127.0.0.1";
      }
    }
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort();
  }

  public ServerAddresses addresses() {
    return addresses;
  }

  /** Where people reach the pages (join links, QR codes, room links); the bound URL by default. */
  public String publicUrl() {
    return publicUrl.get();
  }

  /** Sets where people reach the pages (the operator's --public-url or a network address). */
  public void publicUrl(String url) {
    publicUrl.set(java.util.Objects.requireNonNull(url, "url"));
  }

  public SessionManager sessions() {
    return sessions;
  }

  public QuarterdeckServer server() {
    return server;
  }

  /** Stops the transports (clients are told), then flushes and closes the store. */
  @Override
  public void close() {
    if (takeover != null) {
      try {
        takeover.close();
      } catch (Exception e) {
        log.warn("takeover service did not stop cleanly: {}", e.toString());
      }
    }
    server.close();
    storage.close();
  }
}

package org.quarterdeck.server;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.quarterdeck.server.cluster.PostgresJournals;
import org.quarterdeck.server.cluster.Takeover;
import org.quarterdeck.server.facilitator.ArchivedSessions;
import org.quarterdeck.server.facilitator.FacilitatorAccounts;
import org.quarterdeck.server.http.HttpChannelInitializer;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.net.IoTransport;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.Perimeter;
import org.quarterdeck.server.net.ProtocolDispatcher;
import org.quarterdeck.server.net.QuarterdeckServer;
import org.quarterdeck.server.net.ServerAddresses;
import org.quarterdeck.server.session.EventLoopSessionThread;
import org.quarterdeck.server.session.EventStoreJournals;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.session.SessionLimits;
import org.quarterdeck.server.session.SessionManager;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.StoreObserver;
import org.quarterdeck.server.store.StoreOptions;
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

  /** Where and how sessions are stored: a data directory, or memory when {@code data} is null. */
  public record Storage(Path data, StoreOptions options) {
    public static Storage memory() {
      return new Storage(null, StoreOptions.DEFAULTS);
    }

    Journals open(StoreObserver observer) throws IOException {
      return data == null
          ? Journals.inMemory()
          : new EventStoreJournals(EventStore.open(data, options, observer));
    }
  }

  /** Starts a server whose sessions live in memory only (tests, tools). */
  public static Application start(
      InetSocketAddress http,
      InetSocketAddress tcp,
      NetLimits limits,
      String adminToken,
      String serverName)
      throws InterruptedException, IOException {
    return start(http, tcp, limits, adminToken, serverName, Storage.memory());
  }

  /**
   * The event loops connections and sessions run on.
   *
   * @param threads how many; 0 means one per core (sessions are CPU work, never blocking)
   */
  public record EventLoops(IoTransport transport, int threads) {
    public static EventLoops defaults() {
      return new EventLoops(IoTransport.best(), 0);
    }
  }

  /** Starts with the default event loops. */
  public static Application start(
      InetSocketAddress http,
      InetSocketAddress tcp,
      NetLimits limits,
      String adminToken,
      String serverName,
      Storage storage)
      throws InterruptedException, IOException {
    return start(http, tcp, limits, adminToken, serverName, storage, EventLoops.defaults());
  }

  /**
   * Starts for trusted clients (tests and tools): {@link SessionLimits#TRUSTED_CLIENTS}, no
   * creation quota per address. {@code serve} passes the operator's limits instead.
   *
   * @param adminToken when not null, creating sessions needs it
   */
  public static Application start(
      InetSocketAddress http,
      InetSocketAddress tcp,
      NetLimits limits,
      String adminToken,
      String serverName,
      Storage storage,
      EventLoops loops)
      throws InterruptedException, IOException {
    return start(
        http,
        tcp,
        limits,
        adminToken,
        serverName,
        storage,
        loops,
        FacilitatorAccounts.none(),
        Perimeter.defaults(),
        SessionLimits.TRUSTED_CLIENTS);
  }

  /**
   * Opens the store, recovers every stored session, then starts listening.
   *
   * @param adminToken when not null, creating sessions needs it (or a signed-in facilitator)
   * @param accounts the facilitator accounts that may sign in
   */
  public static Application start(
      InetSocketAddress http,
      InetSocketAddress tcp,
      NetLimits limits,
      String adminToken,
      String serverName,
      Storage storage,
      EventLoops loops,
      FacilitatorAccounts accounts)
      throws InterruptedException, IOException {
    return start(
        http, tcp, limits, adminToken, serverName, storage, loops, accounts, Perimeter.defaults());
  }

  /**
   * Opens the store, recovers every stored session, then starts listening behind {@code perimeter}
   * (connection caps, TLS, WebSocket origins).
   */
  public static Application start(
      InetSocketAddress http,
      InetSocketAddress tcp,
      NetLimits limits,
      String adminToken,
      String serverName,
      Storage storage,
      EventLoops loops,
      FacilitatorAccounts accounts,
      Perimeter perimeter)
      throws InterruptedException, IOException {
    return start(
        http,
        tcp,
        limits,
        adminToken,
        serverName,
        storage,
        loops,
        accounts,
        perimeter,
        SessionLimits.TRUSTED_CLIENTS);
  }

  /** Starts for tests with session limits and no facilitator accounts. */
  public static Application start(
      InetSocketAddress http,
      InetSocketAddress tcp,
      NetLimits limits,
      String adminToken,
      String serverName,
      Storage storage,
      EventLoops loops,
      SessionLimits sessionLimits)
      throws InterruptedException, IOException {
    return start(
        http,
        tcp,
        limits,
        adminToken,
        serverName,
        storage,
        loops,
        FacilitatorAccounts.none(),
        Perimeter.defaults(),
        sessionLimits);
  }

  /**
   * Opens the store, recovers every stored session, then starts listening behind {@code perimeter}
   * (connection caps, TLS, WebSocket origins) with the operator's session limits ({@code serve}).
   */
  public static Application start(
      InetSocketAddress http,
      InetSocketAddress tcp,
      NetLimits limits,
      String adminToken,
      String serverName,
      Storage storage,
      EventLoops loops,
      FacilitatorAccounts accounts,
      Perimeter perimeter,
      SessionLimits sessionLimits)
      throws InterruptedException, IOException {
    ServerMetrics metrics = new ServerMetrics();
    Journals sessionStorage =
        storage.open(
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
    return start(
        http,
        tcp,
        limits,
        adminToken,
        serverName,
        sessionStorage,
        storage.data() == null ? ArchivedSessions.inMemory() : ArchivedSessions.in(storage.data()),
        loops,
        accounts,
        perimeter,
        sessionLimits,
        metrics);
  }

  /**
   * Starts on journals the caller opened (the cluster's PostgreSQL journals), without facilitator
   * accounts; the journals are closed with the application, or at once if it cannot start.
   */
  public static Application start(
      InetSocketAddress http,
      InetSocketAddress tcp,
      NetLimits limits,
      String adminToken,
      String serverName,
      Journals sessionStorage,
      EventLoops loops)
      throws InterruptedException, IOException {
    return start(
        http,
        tcp,
        limits,
        adminToken,
        serverName,
        sessionStorage,
        ArchivedSessions.inMemory(),
        loops,
        FacilitatorAccounts.none(),
        Perimeter.defaults());
  }

  /**
   * Starts on journals the caller opened (the cluster's PostgreSQL journals) behind {@code
   * perimeter} (connection caps, TLS, WebSocket origins).
   *
   * @param archive where facilitators' archive flags are kept (in memory on a cluster node)
   */
  public static Application start(
      InetSocketAddress http,
      InetSocketAddress tcp,
      NetLimits limits,
      String adminToken,
      String serverName,
      Journals sessionStorage,
      ArchivedSessions archive,
      EventLoops loops,
      FacilitatorAccounts accounts,
      Perimeter perimeter)
      throws InterruptedException, IOException {
    return start(
        http,
        tcp,
        limits,
        adminToken,
        serverName,
        sessionStorage,
        archive,
        loops,
        accounts,
        perimeter,
        SessionLimits.TRUSTED_CLIENTS);
  }

  /**
   * Starts on opened journals behind {@code perimeter}.
   *
   * @param sessionLimits creation limits without an admin token, spectators, archiving
   */
  public static Application start(
      InetSocketAddress http,
      InetSocketAddress tcp,
      NetLimits limits,
      String adminToken,
      String serverName,
      Journals sessionStorage,
      ArchivedSessions archive,
      EventLoops loops,
      FacilitatorAccounts accounts,
      Perimeter perimeter,
      SessionLimits sessionLimits)
      throws InterruptedException, IOException {
    return start(
        http,
        tcp,
        limits,
        adminToken,
        serverName,
        sessionStorage,
        archive,
        loops,
        accounts,
        perimeter,
        sessionLimits,
        new ServerMetrics());
  }

  private static Application start(
      InetSocketAddress http,
      InetSocketAddress tcp,
      NetLimits limits,
      String adminToken,
      String serverName,
      Journals sessionStorage,
      ArchivedSessions archive,
      EventLoops loops,
      FacilitatorAccounts accounts,
      Perimeter perimeter,
      SessionLimits sessionLimits,
      ServerMetrics metrics)
      throws InterruptedException, IOException {
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
            adminToken,
            MAX_SESSIONS,
            JOIN_FAILURES_PER_MINUTE,
            disk,
            sessionLimits);
    metrics.gauge(
        "quarterdeck_sessions_held",
        "Sessions held, archived ones included.",
        sessions::sessionCount);
    metrics.gauge(
        "quarterdeck_sessions_live", "Sessions not archived.", sessions::liveSessionCount);
    metrics.gauge(
        "quarterdeck_sessions_archived",
        "Ended sessions archived since start.",
        sessions::archivedSessionCount);
    AtomicReference<String> publicUrl = new AtomicReference<>("");
    // Password hashing (about a CPU second each) runs here, one at a time, never on a loop.
    java.util.concurrent.ExecutorService desk =
        java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "quarterdeck-facilitator-desk");
              t.setDaemon(true);
              return t;
            });
    sessions.useFacilitators(accounts, archive, desk, publicUrl::get);
    sessions.timeTurns(metrics::turnClosed);
    metrics.sessionsByPhase(sessions::sessionsByPhase);
    int recovered;
    try {
      recovered = sessions.recoverAll();
    } catch (RuntimeException e) {
      workers.shutdownGracefully();
      sessionStorage.close();
      throw e;
    }
    if (recovered > 0 || !sessions.quarantined().isEmpty()) {
      log.info("recovered {} sessions, {} quarantined", recovered, sessions.quarantined().size());
    }
    Takeover takeover = null;
    if (sessionStorage instanceof PostgresJournals cluster) {
      takeover = new Takeover(cluster, sessions::recover, sessions::sessionCount);
      Takeover counters = takeover;
      // ready = the lease is held (recovery is done before the server listens at all)
      metrics.addSource(
          () -> cluster.prometheusText() + counters.prometheusText(), () -> cluster.lease().held());
      metrics.addClusterView(cluster::clusterView);
      takeover.start();
    }
    QuarterdeckServer server =
        new QuarterdeckServer(
            http,
            tcp,
            limits,
            new ProtocolDispatcher(limits, sessions, serverName, publicUrl::get),
            metrics,
            tail ->
                new HttpChannelInitializer(
                    tail,
                    metrics,
                    (id, token, csv) ->
                        sessions.export(
                            id,
                            token,
                            csv
                                ? SessionManager.ExportFormat.CSV
                                : SessionManager.ExportFormat.JSON),
                    sessions::roomJoinCode,
                    perimeter.origins()),
            loops.transport(),
            workers,
            perimeter);
    try {
      ServerAddresses addresses = server.start();
      publicUrl.set(addresses.httpUrl());
      return new Application(server, sessions, sessionStorage, addresses, publicUrl, takeover);
    } catch (RuntimeException | InterruptedException e) {
      if (takeover != null) {
        takeover.close();
      }
      server.close();
      sessionStorage.close();
      throw e;
    }
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

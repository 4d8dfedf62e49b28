package org.quarterdeck.server;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.quarterdeck.server.http.HttpChannelInitializer;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.net.IoTransport;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.ProtocolDispatcher;
import org.quarterdeck.server.net.QuarterdeckServer;
import org.quarterdeck.server.net.ServerAddresses;
import org.quarterdeck.server.session.EventLoopSessionThread;
import org.quarterdeck.server.session.EventStoreJournals;
import org.quarterdeck.server.session.SessionManager;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.StoreOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: wires the transports, the dispatcher, the sessions and the store. */
public final class Application implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Application.class);
  /** Sessions one server holds at most. */
  public static final int MAX_SESSIONS = 20_000;
  /** Failed join-code attempts allowed per client address and minute. */
  public static final int JOIN_FAILURES_PER_MINUTE = 20;

  private final QuarterdeckServer server;
  private final SessionManager sessions;
  private final Journals storage;
  private final ServerAddresses addresses;

  private Application(QuarterdeckServer server, SessionManager sessions, Journals storage,
      ServerAddresses addresses) {
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

    Journals open() throws IOException {
      return data == null ? Journals.inMemory()
          : new EventStoreJournals(EventStore.open(data, options));
    }
  }

  /** Starts a server whose sessions live in memory only (tests, tools). */
  public static Application start(InetSocketAddress http, InetSocketAddress tcp, NetLimits limits,
      String adminToken, String serverName) throws InterruptedException, IOException {
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
  public static Application start(InetSocketAddress http, InetSocketAddress tcp, NetLimits limits,
      String adminToken, String serverName, Storage storage)
      throws InterruptedException, IOException {
    return start(http, tcp, limits, adminToken, serverName, storage, EventLoops.defaults());
  }

  /**
   * Opens the store, recovers every stored session, then starts listening.
   *
   * @param adminToken when not null, creating sessions needs it
   */
  public static Application start(InetSocketAddress http, InetSocketAddress tcp, NetLimits limits,
      String adminToken, String serverName, Storage storage, EventLoops loops)
      throws InterruptedException, IOException {
    ServerMetrics metrics = new ServerMetrics();
    EventLoopGroup workers = loops.transport().newGroup(loops.threads());
    Journals sessionStorage = storage.open();
    java.util.concurrent.ExecutorService disk = java.util.concurrent.Executors
        .newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "quarterdeck-session-restore");
          t.setDaemon(true);
          return t;
        });
    SessionManager sessions = new SessionManager(
        () -> new EventLoopSessionThread(workers.next()), sessionStorage,
        adminToken, MAX_SESSIONS, JOIN_FAILURES_PER_MINUTE, disk);
    int recovered = sessions.recoverAll();
    if (recovered > 0 || !sessions.quarantined().isEmpty()) {
      log.info("recovered {} sessions, {} quarantined", recovered, sessions.quarantined().size());
    }
    QuarterdeckServer server = new QuarterdeckServer(http, tcp, limits,
        new ProtocolDispatcher(limits, sessions, serverName), metrics,
        tail -> new HttpChannelInitializer(tail, metrics, (id, token, csv) -> sessions.export(
            id, token, csv ? SessionManager.ExportFormat.CSV : SessionManager.ExportFormat.JSON)),
        loops.transport(), workers);
    try {
      return new Application(server, sessions, sessionStorage, server.start());
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      sessionStorage.close();
      throw e;
    }
  }

  public ServerAddresses addresses() {
    return addresses;
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
    server.close();
    storage.close();
  }
}

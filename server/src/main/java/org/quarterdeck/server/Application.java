package org.quarterdeck.server;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import org.quarterdeck.server.http.HttpChannelInitializer;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.ProtocolDispatcher;
import org.quarterdeck.server.net.QuarterdeckServer;
import org.quarterdeck.server.net.ServerAddresses;
import org.quarterdeck.server.session.EventLoopSessionThread;
import org.quarterdeck.server.session.SessionJournal;
import org.quarterdeck.server.session.SessionManager;

/** The composition root: wires the transports, the dispatcher and the sessions together. */
public final class Application implements AutoCloseable {
  /** Sessions one server holds at most. */
  public static final int MAX_SESSIONS = 20_000;
  /** Failed join-code attempts allowed per client address and minute. */
  public static final int JOIN_FAILURES_PER_MINUTE = 20;

  private final QuarterdeckServer server;
  private final SessionManager sessions;
  private final ServerAddresses addresses;

  private Application(QuarterdeckServer server, SessionManager sessions,
      ServerAddresses addresses) {
    this.server = server;
    this.sessions = sessions;
    this.addresses = addresses;
  }

  /**
   * Starts a server.
   *
   * @param adminToken when not null, creating sessions needs it
   */
  public static Application start(InetSocketAddress http, InetSocketAddress tcp, NetLimits limits,
      String adminToken, String serverName) throws InterruptedException {
    ServerMetrics metrics = new ServerMetrics();
    EventLoopGroup workers = QuarterdeckServer.newWorkers();
    SessionManager sessions = new SessionManager(
        () -> new EventLoopSessionThread(workers.next()), id -> SessionJournal.discarding(),
        adminToken, MAX_SESSIONS, JOIN_FAILURES_PER_MINUTE);
    QuarterdeckServer server = new QuarterdeckServer(http, tcp, limits,
        new ProtocolDispatcher(limits, sessions, serverName), metrics,
        tail -> new HttpChannelInitializer(tail, metrics), workers);
    try {
      return new Application(server, sessions, server.start());
    } catch (RuntimeException | InterruptedException e) {
      server.close();
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

  @Override
  public void close() {
    server.close();
  }
}

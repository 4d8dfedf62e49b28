package org.quarterdeck.server;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import org.quarterdeck.server.facilitator.FacilitatorAccounts;
import org.quarterdeck.server.net.IoTransport;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.Perimeter;
import org.quarterdeck.server.session.SessionLimits;
import org.quarterdeck.server.session.SessionManager;

/**
 * Everything a server is started with. One record instead of a ladder of {@code start} overloads: a
 * new setting is one field with a default here (and, for operators, one option of {@code serve}).
 *
 * @param http where the HTTP/WebSocket listener binds (port 0 picks a free one)
 * @param tcp where the plain TCP game listener binds
 * @param adminToken when not null, creating sessions needs it (or a signed-in facilitator)
 * @param serverName the name {@code Welcome} carries
 * @param storage where sessions are kept: memory, a data directory, or journals the caller opened
 * @param accounts the facilitator accounts that may sign in
 * @param perimeter connection caps, TLS and WebSocket origins
 * @param sessionLimits creation limits without an admin token, spectators, archiving; tests and
 *     tools default to {@link SessionLimits#TRUSTED_CLIENTS}, {@code serve} passes the operator's
 * @param recoveryThreads how many session logs are read and rebuilt at once at start (0: {@link
 *     SessionManager#DEFAULT_RECOVERY_THREADS}, the number of cores and at least 2)
 */
public record ServerOptions(
    InetSocketAddress http,
    InetSocketAddress tcp,
    NetLimits limits,
    String adminToken,
    String serverName,
    Storage storage,
    EventLoops loops,
    FacilitatorAccounts accounts,
    Perimeter perimeter,
    SessionLimits sessionLimits,
    int recoveryThreads) {

  public ServerOptions {
    if (recoveryThreads < 0) {
      throw new IllegalArgumentException("recoveryThreads must be >= 0, was " + recoveryThreads);
    }
    requireNonNull(http, "http");
    requireNonNull(tcp, "tcp");
    requireNonNull(limits, "limits");
    requireNonNull(serverName, "serverName");
    requireNonNull(storage, "storage");
    requireNonNull(loops, "loops");
    requireNonNull(accounts, "accounts");
    requireNonNull(perimeter, "perimeter");
    requireNonNull(sessionLimits, "sessionLimits");
  }

  /**
   * The event loops connections and sessions run on.
   *
   * @param threads how many; 0 means one per core (sessions are CPU work, never blocking)
   */
  public record EventLoops(IoTransport transport, int threads) {
    public EventLoops {
      requireNonNull(transport, "transport");
    }

    public static EventLoops defaults() {
      return new EventLoops(IoTransport.best(), 0);
    }
  }

  /** Options binding both listeners to free loopback ports, everything else at its default. */
  public static Builder loopback() {
    return on(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0));
  }

  /** Options binding the listeners to these addresses, everything else at its default. */
  public static Builder on(InetSocketAddress http, InetSocketAddress tcp) {
    return new Builder(http, tcp);
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(http, tcp)
        .limits(limits)
        .adminToken(adminToken)
        .serverName(serverName)
        .storage(storage)
        .loops(loops)
        .accounts(accounts)
        .perimeter(perimeter)
        .sessionLimits(sessionLimits)
        .recoveryThreads(recoveryThreads);
  }

  /** Builds {@link ServerOptions}; every setting but the addresses has a default. */
  public static final class Builder {
    private final InetSocketAddress http;
    private final InetSocketAddress tcp;
    private NetLimits limits = NetLimits.defaults();
    private String adminToken;
    private String serverName = "quarterdeck";
    private Storage storage = Storage.memory();
    private EventLoops loops = EventLoops.defaults();
    private FacilitatorAccounts accounts = FacilitatorAccounts.none();
    private Perimeter perimeter = Perimeter.defaults();
    private SessionLimits sessionLimits = SessionLimits.TRUSTED_CLIENTS;
    private int recoveryThreads;

    private Builder(InetSocketAddress http, InetSocketAddress tcp) {
      this.http = requireNonNull(http, "http");
      this.tcp = requireNonNull(tcp, "tcp");
    }

    public Builder limits(NetLimits limits) {
      this.limits = limits;
      return this;
    }

    /** Null (the default) lets anyone create sessions, within the session limits. */
    public Builder adminToken(String adminToken) {
      this.adminToken = adminToken;
      return this;
    }

    public Builder serverName(String serverName) {
      this.serverName = serverName;
      return this;
    }

    public Builder storage(Storage storage) {
      this.storage = storage;
      return this;
    }

    public Builder loops(EventLoops loops) {
      this.loops = loops;
      return this;
    }

    public Builder accounts(FacilitatorAccounts accounts) {
      this.accounts = accounts;
      return this;
    }

    public Builder perimeter(Perimeter perimeter) {
      this.perimeter = perimeter;
      return this;
    }

    public Builder sessionLimits(SessionLimits sessionLimits) {
      this.sessionLimits = sessionLimits;
      return this;
    }

    /** Session logs read and rebuilt at once at start; 0 (the default) picks per core. */
    public Builder recoveryThreads(int recoveryThreads) {
      this.recoveryThreads = recoveryThreads;
      return this;
    }

    public ServerOptions build() {
      return new ServerOptions(
          http,
          tcp,
          limits,
          adminToken,
          serverName,
          storage,
          loops,
          accounts,
          perimeter,
          sessionLimits,
          recoveryThreads);
    }

    /** Builds the options and starts a server with them. */
    public Application start() throws InterruptedException, java.io.IOException {
      return Application.start(build());
    }
  }
}

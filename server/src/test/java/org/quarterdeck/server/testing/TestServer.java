package org.quarterdeck.server.testing;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.ServerOptions;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.Perimeter;
import org.quarterdeck.server.net.QuarterdeckServer;
import org.quarterdeck.server.net.ServerAddresses;
import org.quarterdeck.server.session.SessionLimits;

/**
 * A real server on loopback ports the system picks, for end-to-end tests: register it with
 * {@code @RegisterExtension static final TestServer server = TestServer.inMemory();} and it runs
 * for the test class; or {@link #start()} it by hand in try-with-resources when a test restarts
 * servers on one data directory.
 */
public final class TestServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final ServerOptions options;
  private Application app;

  private TestServer(ServerOptions options) {
    this.options = requireNonNull(options, "options");
  }

  /** Default limits, sessions in memory, anyone may create sessions. */
  public static TestServer inMemory() {
    return with(ServerOptions.loopback().serverName("test-server").build());
  }

  /** The given limits and storage. */
  public static TestServer with(NetLimits limits, Storage storage) {
    return with(
        ServerOptions.loopback().serverName("test-server").limits(limits).storage(storage).build());
  }

  /** A server started with {@code options} (bind them to loopback port 0). */
  public static TestServer with(ServerOptions options) {
    return new TestServer(options);
  }

  /** The same server, but creating a session needs {@code token}. */
  public TestServer withAdminToken(String token) {
    return with(options.toBuilder().adminToken(requireNonNull(token, "token")).build());
  }

  /** The same server behind {@code perimeter} (connection caps, TLS, WebSocket origins). */
  public TestServer withPerimeter(Perimeter perimeter) {
    return with(options.toBuilder().perimeter(perimeter).build());
  }

  /** The same server with {@code sessionLimits} (as {@code serve} passes the operator's). */
  public TestServer withSessionLimits(SessionLimits sessionLimits) {
    return with(options.toBuilder().sessionLimits(sessionLimits).build());
  }

  /** Starts the server (once); returns it. */
  public TestServer start() throws Exception {
    if (app == null) {
      app = Application.start(options);
    }
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Stops the server: clients are told, the store is flushed and closed. */
  @Override
  public void close() {
    if (app != null) {
      app.close();
      app = null;
    }
  }

  public Application app() {
    if (app == null) {
      throw new IllegalStateException("the test server is not running");
    }
    return app;
  }

  /** The server's network side (its metrics, its connection gate). */
  public QuarterdeckServer server() {
    return app().server();
  }

  public ServerAddresses addresses() {
    return app().addresses();
  }

  public URI webSocket() {
    return URI.create(addresses().webSocketUrl());
  }

  public URI tcp() {
    return URI.create(addresses().tcpUrl());
  }

  public String httpUrl() {
    return addresses().httpUrl();
  }

  /** A connected client (not yet said Hello). */
  public QuarterdeckClient client(URI uri, boolean json) throws Exception {
    return QuarterdeckClient.connect(
            uri, ClientOptions.defaults().withJson(json).withRequestTimeout(TIMEOUT))
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** A WebSocket client that has said Hello. */
  public QuarterdeckClient client() throws Exception {
    QuarterdeckClient c = client(webSocket(), false);
    c.hello().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return c;
  }

  /** Creates a market-year session through {@code c}; no deadline unless the settings say. */
  public SessionCreated create(QuarterdeckClient c, SessionSettings settings) throws Exception {
    return c.call(
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder()
                        .setBuiltinScenario("market-year")
                        .setSettings(settings)))
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
        .getSessionCreated();
  }

  /**
   * A market-year session of {@code teams} teams, created by a facilitator who then leaves (a room
   * for players, spectators or guessers to come to).
   */
  public SessionCreated createSession(int teams) throws Exception {
    try (QuarterdeckClient facilitator = client()) {
      return create(facilitator, SessionSettings.newBuilder().setTeams(teams).build());
    }
  }

  /** GETs a path of the server's HTTP port. */
  public HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(httpUrl() + path)).timeout(TIMEOUT).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}

package org.quarterdeck.server.e2e.cli;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.net.NetLimits;

/** A real server with game sessions on loopback ports the system picks. */
final class CliServer implements AutoCloseable {
  final Application app;

  CliServer() throws Exception {
    app = Application.start(new InetSocketAddress("127.0.0.1", 0),
        new InetSocketAddress("127.0.0.1", 0), NetLimits.defaults(), null, "cli-e2e");
  }

  String ws() {
    return app.addresses().webSocketUrl();
  }

  String tcp() {
    return app.addresses().tcpUrl();
  }

  /** A connected client that has said Hello. */
  QuarterdeckClient client() throws Exception {
    QuarterdeckClient c = QuarterdeckClient.connect(URI.create(ws()),
        ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(10)))
        .get(10, TimeUnit.SECONDS);
    c.hello().get(10, TimeUnit.SECONDS);
    return c;
  }

  /** Creates a market-year session and returns it; no deadline unless given. */
  SessionCreated create(QuarterdeckClient c, SessionSettings settings) throws Exception {
    return c.call(ClientMessage.newBuilder().setCreateSession(CreateSession.newBuilder()
        .setBuiltinScenario("market-year").setSettings(settings)))
        .get(10, TimeUnit.SECONDS).getSessionCreated();
  }

  @Override
  public void close() {
    app.close();
  }
}

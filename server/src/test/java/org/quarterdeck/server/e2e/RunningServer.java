package org.quarterdeck.server.e2e;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.QuarterdeckServer;
import org.quarterdeck.server.net.ServerAddresses;

/** A real server on loopback ports chosen by the system, for end-to-end tests. */
final class RunningServer implements AutoCloseable {
  final QuarterdeckServer server;
  final ServerAddresses addresses;

  final Application app;

  RunningServer(NetLimits limits, Application.Storage storage) throws Exception {
    this(limits, storage, org.quarterdeck.server.net.Perimeter.defaults());
  }

  RunningServer(NetLimits limits, Application.Storage storage,
      org.quarterdeck.server.net.Perimeter perimeter) throws Exception {
    app = Application.start(new InetSocketAddress("127.0.0.1", 0),
        new InetSocketAddress("127.0.0.1", 0), limits, null, "e2e", storage,
        Application.EventLoops.defaults(),
        org.quarterdeck.server.facilitator.FacilitatorAccounts.none(), perimeter);
    server = app.server();
    addresses = app.addresses();
  }

  static RunningServer start() throws Exception {
    return new RunningServer(NetLimits.defaults(), Application.Storage.memory());
  }

  URI webSocket() {
    return URI.create(addresses.webSocketUrl());
  }

  URI tcp() {
    return URI.create(addresses.tcpUrl());
  }

  QuarterdeckClient client(URI uri, boolean json) throws Exception {
    return QuarterdeckClient.connect(uri, ClientOptions.defaults().withJson(json)
        .withRequestTimeout(Duration.ofSeconds(10))).get();
  }

  HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(addresses.httpUrl() + path))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    app.close();
  }
}

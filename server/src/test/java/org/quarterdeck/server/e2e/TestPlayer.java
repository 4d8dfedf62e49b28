package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;

import java.net.URI;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ServerMessage;

/** A client in an end-to-end test: requests, and the pushes it has received, in order. */
final class TestPlayer implements AutoCloseable {
  final QuarterdeckClient client;
  final LinkedBlockingQueue<ServerMessage> pushes = new LinkedBlockingQueue<>();
  String token;
  int team = -1;

  TestPlayer(URI server, boolean json) throws Exception {
    this(server, json, "");
  }

  /** A player whose Hello names a language ("" for none). */
  TestPlayer(URI server, boolean json, String language) throws Exception {
    client =
        QuarterdeckClient.connect(server, ClientOptions.defaults().withJson(json)).get(10, SECONDS);
    client.onPush(pushes::add);
    client.hello(language).get(10, SECONDS);
  }

  ServerMessage call(ClientMessage.Builder message) throws Exception {
    return client.request(message).get(20, SECONDS);
  }

  /** The next push that matches, skipping others; fails after {@code seconds}. */
  ServerMessage await(Predicate<ServerMessage> which, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      ServerMessage m = pushes.poll(100, TimeUnit.MILLISECONDS);
      if (m != null && which.test(m)) {
        return m;
      }
    }
    throw new AssertionError("no matching push within " + seconds + " s");
  }

  @Override
  public void close() {
    client.close();
  }
}

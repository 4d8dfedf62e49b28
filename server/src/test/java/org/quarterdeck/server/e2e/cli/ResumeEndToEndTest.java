package org.quarterdeck.server.e2e.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Joined;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.server.testing.TestServer;

/** The network drops between a real server and the client: the seat comes back by itself. */
class ResumeEndToEndTest {
  @RegisterExtension static final TestServer server = TestServer.inMemory();
  private static DroppingProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    URI tcp = server.tcp();
    proxy = new DroppingProxy(new InetSocketAddress(tcp.getHost(), tcp.getPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    proxy.close();
  }

  private String proxied() {
    return "tcp://127.0.0.1:" + proxy.port();
  }

  private SessionCreated startedSession(QuarterdeckClient facilitator) throws Exception {
    SessionCreated session =
        server.create(facilitator, SessionSettings.newBuilder().setTeams(2).setSeed(3).build());
    facilitator.resume(session.getFacilitatorToken()).get(10, SECONDS);
    return session;
  }

  @Test
  void theLibraryReconnectsAndResumesTheSeatWithItsToken() throws Exception {
    try (QuarterdeckClient facilitator = server.client();
        QuarterdeckClient player =
            QuarterdeckClient.connect(
                    URI.create(proxied()),
                    ClientOptions.defaults()
                        .withReconnect(
                            new ClientOptions.Reconnect(
                                Duration.ofMillis(20), Duration.ofMillis(200), 10)))
                .get(10, SECONDS)) {
      SessionCreated session = startedSession(facilitator);
      CompletableFuture<Snapshot> resumed = new CompletableFuture<>();
      player.onConnection(
          new QuarterdeckClient.ConnectionListener() {
            @Override
            public void resumed(Snapshot snapshot) {
              resumed.complete(snapshot);
            }
          });
      player.hello().get(10, SECONDS);
      Joined joined = player.join(session.getJoinCode(), "Fay", 1).get(10, SECONDS);
      facilitator
          .call(
              ClientMessage.newBuilder()
                  .setFacilitator(
                      FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())))
          .get(10, SECONDS);

      proxy.cut();
      Snapshot snapshot = resumed.get(10, SECONDS);
      assertEquals(joined.getTeam(), snapshot.getTeam());
      assertEquals(Phase.TURN_OPEN, snapshot.getPhase());
      assertEquals(1, snapshot.getOpenTurn().getTurn());
      assertTrue(player.isOpen());
      assertEquals(joined.getToken(), player.token());
    }
  }

  @Test
  void playCarriesOnAfterTheNetworkDrops() throws Exception {
    try (QuarterdeckClient facilitator = server.client()) {
      SessionCreated session = startedSession(facilitator);
      Terminal play =
          Terminal.start(
              "play", "--server", proxied(), "--join", session.getJoinCode(), "--name", "Gil");
      play.await("^Your token:");
      facilitator
          .call(
              ClientMessage.newBuilder()
                  .setFacilitator(
                      FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())))
          .get(10, SECONDS);
      play.await("=== Turn 1 \\(quarter 1\\) is open ===");
      play.type("push=10", "submit");
      play.await("^  Decision v1 for turn 1 accepted");
      play.await("=== Turn 2 \\(quarter 1\\) is open ===");
      play.type("coach=6");
      play.await("^  Booked 6 ");

      proxy.cut();
      play.await("^Connection lost; reconnecting in \\d+ ms \\(attempt 1\\)");
      play.await("^Reconnected and resumed your seat.");
      // The typed draft survives the resume, and submitting works on the new connection.
      play.type("show");
      play.await("^    coach +leadership .* 6 h$");
      play.type("submit");
      play.await("^  Decision v1 for turn 2 accepted \\(6 h booked\\)");
      play.await("=== Turn 2 results");
      play.type("quit");
      assertEquals(0, play.exitCode(Duration.ofSeconds(10)));
    }
  }
}

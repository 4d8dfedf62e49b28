package org.quarterdeck.server.e2e.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.client.bot.BotPlayer;
import org.quarterdeck.client.bot.SampleStrategies;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.server.ServerOptions;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.net.ServerAddresses;
import org.quarterdeck.server.store.StoreOptions;
import org.quarterdeck.server.testing.Await;
import org.quarterdeck.server.testing.TestServer;

/**
 * A real server is drained (clients told {@code Goodbye SERVER_SHUTDOWN}, then it stops) and
 * started again on the same data directory and ports: {@code play} and a sample bot reconnect with
 * backoff, resume their seats with their tokens and play on, with nobody retrying by hand (issue
 * 17, item 4: the client library follows a server going away).
 */
@Timeout(value = 120, unit = SECONDS)
class DrainRestartEndToEndTest {
  @TempDir Path data;

  private static final ClientOptions PATIENT =
      ClientOptions.forPeople()
          .withRequestTimeout(Duration.ofSeconds(10))
          .withReconnect(
              new ClientOptions.Reconnect(Duration.ofMillis(50), Duration.ofMillis(500), 120));

  private TestServer start(ServerAddresses at) throws Exception {
    ServerOptions.Builder options =
        at == null
            ? ServerOptions.loopback()
            : ServerOptions.on(at.http(), at.tcp()); // the same ports: clients keep their URL
    return TestServer.with(
            options
                .serverName("drained")
                .storage(Storage.files(data, StoreOptions.DEFAULTS))
                .build())
        .start();
  }

  @Test
  void playAndABotResumeByThemselvesAfterADrainAndRestart() throws Exception {
    TestServer first = start(null);
    ServerAddresses addresses = first.addresses();
    URI ws = first.webSocket();
    TestServer second = null;
    CopyOnWriteArrayList<Goodbye.Reason> botGoodbyes = new CopyOnWriteArrayList<>();
    try (QuarterdeckClient facilitator = QuarterdeckClient.connect(ws, PATIENT).get(10, SECONDS);
        QuarterdeckClient botClient = QuarterdeckClient.connect(ws, PATIENT).get(10, SECONDS)) {
      facilitator.hello().get(10, SECONDS);
      SessionCreated session =
          first.create(
              facilitator,
              SessionSettings.newBuilder()
                  .setTeams(2)
                  .setSeed(11)
                  .addBotStrategies("")
                  .addBotStrategies("")
                  .build());
      facilitator.resume(session.getFacilitatorToken()).get(10, SECONDS);
      CompletableFuture<Snapshot> facilitatorBack = new CompletableFuture<>();
      facilitator.onConnection(
          new QuarterdeckClient.ConnectionListener() {
            @Override
            public void resumed(Snapshot snapshot) {
              facilitatorBack.complete(snapshot);
            }
          });

      botClient.hello().get(10, SECONDS);
      botClient.onPush(
          m -> {
            if (m.hasGoodbye()) {
              botGoodbyes.add(m.getGoodbye().getReason());
            }
          });
      BotPlayer bot =
          new BotPlayer(botClient, SampleStrategies.parse("balanced"), 5, BotPlayer.Notes.SILENT);
      bot.join(session.getJoinCode(), "Bot").get(10, SECONDS);

      Terminal play =
          Terminal.start(
              "play",
              "--server",
              addresses.tcpUrl(),
              "--join",
              session.getJoinCode(),
              "--name",
              "Pia");
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
      Await.until("the bot decides turn 2", Duration.ofSeconds(10), () -> bot.turnsPlayed() == 2);

      first.close(); // the drain: everyone is told, the store flushed and closed
      first = null;
      play.await("^Connection lost; reconnecting");
      assertEquals(java.util.List.of(Goodbye.Reason.SERVER_SHUTDOWN), botGoodbyes);

      second = start(addresses);
      play.await("^Reconnected and resumed your seat.");
      assertEquals(2, facilitatorBack.get(30, SECONDS).getOpenTurn().getTurn());
      play.type("coach=6", "submit");
      play.await("^  Decision v1 for turn 2 accepted \\(6 h booked\\)");
      play.await("=== Turn 2 results");
      play.await("=== Turn 3 \\(quarter 1\\) is open ===");
      // the bot, back on its own, decides the next turn too
      Await.until("the bot plays turn 3", Duration.ofSeconds(30), () -> bot.turnsPlayed() == 3);
      assertTrue(botClient.isOpen());
      ServerMessage live =
          facilitator
              .call(
                  ClientMessage.newBuilder()
                      .setFacilitator(
                          FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())))
              .get(10, SECONDS);
      assertTrue(live.hasFacilitatorAck(), live.toString());
      bot.finished().get(10, SECONDS);
      play.type("quit");
      assertEquals(0, play.exitCode(Duration.ofSeconds(10)));
    } finally {
      if (first != null) {
        first.close();
      }
      if (second != null) {
        second.close();
      }
    }
  }
}

package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;

import java.net.URI;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;

/** A whole game of 60 bot teams, played to its end, whose replay is several megabytes. */
final class BigSessions {
  static final int TEAMS = 60;

  private BigSessions() {}

  static ClientOptions bigFrames(boolean json) {
    return new ClientOptions(
        json, java.time.Duration.ofSeconds(60), 64 * 1024 * 1024, ClientOptions.Reconnect.NEVER);
  }

  /** Creates and plays the game; returns its creation reply (id, code, facilitator token). */
  static SessionCreated playedToTheEnd(URI server) throws Exception {
    try (QuarterdeckClient fac =
        QuarterdeckClient.connect(server, bigFrames(false)).get(10, SECONDS)) {
      fac.hello().get(10, SECONDS);
      SessionSettings.Builder settings =
          SessionSettings.newBuilder().setTeams(TEAMS).setTurnDeadlineSeconds(0).setSeed(7);
      for (int i = 0; i < TEAMS; i++) {
        settings.addBotStrategies(i % 2 == 0 ? "adaptive" : "balanced");
      }
      SessionCreated created =
          fac.request(
                  ClientMessage.newBuilder()
                      .setCreateSession(CreateSession.newBuilder().setSettings(settings)))
              .get(20, SECONDS)
              .getSessionCreated();
      fac.request(
              ClientMessage.newBuilder()
                  .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())))
          .get(20, SECONDS);
      command(fac, FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()));
      for (int turn = 0; turn < 100; turn++) {
        ServerMessage ack =
            command(
                fac, FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance()));
        if (ack.hasError() || ack.getFacilitatorAck().getPhase() == Phase.ENDED) {
          break;
        }
      }
      return created;
    }
  }

  private static ServerMessage command(QuarterdeckClient fac, FacilitatorCommand.Builder c)
      throws Exception {
    return fac.request(ClientMessage.newBuilder().setFacilitator(c)).get(30, SECONDS);
  }
}

package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.LiveView;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Snapshot;

/** What the facilitator's console is told: the deck and the length of the game, no phantom turn. */
class FacilitatorViewsTest {
  @Test
  void theConsoleKnowsTheDeckAndTheGamesLengthAndNeverShowsATurnPastTheLast() {
    SessionFixture f =
        new SessionFixture()
            .givenSession(SessionSettings.newBuilder().setTeams(2).setSeed(5).build());
    Snapshot snapshot = f.facilitator.all(ServerMessage::hasSnapshot).get(0).getSnapshot();
    assertFalse(snapshot.getDeckList().isEmpty(), "the event deck, to inject by name");
    assertTrue(snapshot.getDeckList().stream().allMatch(e -> !e.getTitle().isEmpty()));
    int turns = snapshot.getTurns();
    assertEquals(12, turns);

    f.start();
    for (int t = 1; t <= turns; t++) {
      assertTrue(
          f.facilitate(FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance()))
              .hasFacilitatorAck());
    }
    LiveView live =
        f.facilitate(FacilitatorCommand.newBuilder().setLiveView(Empty.getDefaultInstance()))
            .getLiveView();
    assertEquals(Phase.ENDED, live.getPhase());
    assertEquals(turns, live.getTurn(), "the last turn played, not one past it");
    assertTrue(
        f.facilitator.all(m -> m.hasPhaseChanged()).stream()
            .allMatch(m -> m.getPhaseChanged().getTurn() <= turns));
    ServerMessage ended = f.facilitator.all(ServerMessage::hasSessionEnded).get(0);
    assertEquals(2, ended.getSessionEnded().getScoresCount(), "standings for the end view");

    // Reopened after the end (another device): the snapshot still says ENDED with standings.
    FakeConnection later = new FakeConnection("10.0.0.9:9");
    ServerMessage again =
        f.send(
            later,
            ClientMessage.newBuilder()
                .setResume(Resume.newBuilder().setToken(f.created.getFacilitatorToken())));
    assertEquals(Phase.ENDED, again.getSnapshot().getPhase());
    assertEquals(2, again.getSnapshot().getStandingsCount());
  }
}

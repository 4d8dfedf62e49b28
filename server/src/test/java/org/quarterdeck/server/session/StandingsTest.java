package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Standing;

/** The public standings of every turn: ranked by results, ties by team number, ranks 1 to n. */
class StandingsTest {
  @Test
  void everyTurnRanksTheTeamsByResultsThenByTeamNumber() {
    SessionFixture f = new SessionFixture();
    f.givenSession(
        SessionSettings.newBuilder()
            .setTeams(5)
            .setTurnDeadlineSeconds(60)
            .setSeed(7)
            .addAllBotStrategies(List.of("", "numbers", "adaptive", "numbers", "balanced"))
            .build());
    f.join("Ana"); // one person, who never submits: the first team's seat is defaulted each turn
    f.start();
    for (int deadlines = 0;
        deadlines < 20 && f.facilitator.all(ServerMessage::hasSessionEnded).isEmpty();
        deadlines++) {
      f.thread.advanceSeconds(61);
    }
    List<ServerMessage> resolved = f.facilitator.all(ServerMessage::hasTurnResolved);
    assertEquals(12, resolved.size(), "a whole game of market-year");
    boolean anyReordering = false;
    for (ServerMessage m : resolved) {
      List<Standing> rows = m.getTurnResolved().getStandingsList();
      assertEquals(5, rows.size());
      boolean[] seen = new boolean[5];
      for (int i = 0; i < rows.size(); i++) {
        Standing s = rows.get(i);
        assertEquals(i + 1, s.getRank(), "ranks count from 1 in list order");
        assertTrue(!seen[s.getTeam()], "each team once");
        seen[s.getTeam()] = true;
        if (i > 0) {
          Standing above = rows.get(i - 1);
          int byResults = Double.compare(above.getResults(), s.getResults());
          assertTrue(
              byResults > 0 || (byResults == 0 && above.getTeam() < s.getTeam()),
              "turn " + m.getTurnResolved().getTurn() + ": " + above + " above " + s);
        }
        anyReordering |= s.getTeam() != i;
      }
    }
    assertTrue(anyReordering, "the game moved some team away from its number's place");
  }
}

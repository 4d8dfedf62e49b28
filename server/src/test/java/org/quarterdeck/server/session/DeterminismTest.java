package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.Game;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.session.SessionFixture.Player;
import org.quarterdeck.server.wire.WireMapping;

/** A session played over commands reaches the very states the engine alone reaches. */
class DeterminismTest {
  @Test
  void sessionHashesEqualTheEngineAloneForTheSameDecisions() throws Exception {
    SessionFixture f = new SessionFixture();
    f.givenSession(
        SessionSettings.newBuilder().setTeams(2).setSeed(99).setTurnDeadlineSeconds(0).build());
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    f.start();
    List<Decision[]> played = new ArrayList<>();
    List<String> sessionHashes = new ArrayList<>();
    while (ana.connection.all(ServerMessage::hasSessionEnded).isEmpty() && played.size() < 20) {
      TurnOpened a = f.lastOpening(ana);
      TurnOpened b = f.lastOpening(ben);
      Decision da = SessionFixture.spread(a, 0.8, "push", "coach", "change");
      Decision db = SessionFixture.spread(b, 1.0, "push", "report");
      Decision[] byTeam = new Decision[2];
      byTeam[ana.team] = da;
      byTeam[ben.team] = db;
      played.add(byTeam);
      ServerMessage acceptedA = f.submit(ana, a.getTurn(), 1, da);
      assertTrue(acceptedA.hasDecisionAccepted(), acceptedA.toString());
      ServerMessage acceptedB = f.submit(ben, b.getTurn(), 1, db);
      assertTrue(acceptedB.hasDecisionAccepted(), acceptedB.toString());
      List<ServerMessage> resolved = ana.connection.all(ServerMessage::hasTurnResolved);
      sessionHashes.add(resolved.get(resolved.size() - 1).getTurnResolved().getStateHash());
    }

    Game game =
        Game.start(
            ScenarioCatalog.builtIn(ScenarioCatalog.defaultName()).rules(),
            99,
            List.of("team-1", "team-2"));
    List<String> engineHashes = new ArrayList<>();
    for (Decision[] turn : played) {
      List<AcceptedDecision> accepted = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Seat seat = game.seats().get(t);
        accepted.add(game.validate(WireMapping.decision(seat, game.turn(), turn[t])).value());
      }
      game = game.resolve(accepted, List.of()).next();
      engineHashes.add(game.stateHashHex());
    }
    assertEquals(12, engineHashes.size());
    assertEquals(engineHashes, sessionHashes);
    assertTrue(f.journal().stream().anyMatch(r -> r.hasClosed()), "the journal saw the end");
  }
}

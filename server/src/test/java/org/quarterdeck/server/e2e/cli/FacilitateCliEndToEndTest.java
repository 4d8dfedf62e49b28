package org.quarterdeck.server.e2e.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.Joined;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.server.testing.TestServer;

/** {@code facilitate} and {@code bots} driven end to end against a real server. */
class FacilitateCliEndToEndTest {
  @RegisterExtension static final TestServer server = TestServer.inMemory();

  private static ServerMessage next(
      LinkedBlockingQueue<ServerMessage> pushes, ServerMessage.BodyCase kind)
      throws InterruptedException {
    while (true) {
      ServerMessage m = pushes.poll(10, SECONDS);
      if (m == null) {
        throw new AssertionError("no " + kind + " push within 10 s");
      }
      if (m.getBodyCase() == kind) {
        return m;
      }
    }
  }

  @Test
  void createsASessionPrintsTheCodeAndRunsTheFacilitatorsCommands() throws Exception {
    Terminal f =
        Terminal.start(
            "facilitate",
            "--server",
            server.webSocket().toString(),
            "--create",
            "--teams",
            "3",
            "--deadline",
            "600",
            "--seed",
            "5",
            "--title",
            "Workshop");
    String code = f.await("^  Join code +(\\S+)").group(1);
    f.await("^  Facilitator token +\\S{20,}");
    f.await("^Facilitating 'Workshop' \\(market-year, 3 teams");

    try (QuarterdeckClient player = server.client()) {
      LinkedBlockingQueue<ServerMessage> pushes = new LinkedBlockingQueue<>();
      player.onPush(pushes::add);
      Joined joined = player.join(code, "Dee", 1).get(10, SECONDS); // the printed code works
      assertEquals(1, joined.getTeam());
      f.await("^Lobby: 1 player\\(s\\)");
      f.await("^    team 2: Dee");

      f.type("start");
      f.await("^  ok \\(phase TURN_OPEN, turn 1\\)");
      next(pushes, ServerMessage.BodyCase.TURN_OPENED);
      f.type("until 25:00");
      f.await("^  '25:00' is not a time of day");
      ZonedDateTime until = ZonedDateTime.now().plusMinutes(30).withNano(0);
      f.type("until " + until.toLocalTime());
      f.await("^  the turn ends at ");
      f.await("^  ok \\(phase TURN_OPEN, turn 1\\)");
      long announced; // skips earlier clock changes: the one 'until' set must come
      do {
        announced =
            next(pushes, ServerMessage.BodyCase.PHASE_CHANGED)
                .getPhaseChanged()
                .getDeadlineEpochMs();
      } while (announced != until.toInstant().toEpochMilli());
      f.type("extend 30");
      f.await("^  ok \\(phase TURN_OPEN, turn 1\\)");
      f.type("assign 2 3");
      f.await("^  ok ");
      assertEquals(
          2,
          next(pushes, ServerMessage.BodyCase.SNAPSHOT).getSnapshot().getTeam(),
          "Dee moved from team 2 to team 3");
      f.type("assign 1 bot numbers");
      f.await("^  ok ");
      f.type("assign 1 2");
      f.await("^  the server refused: NOT_FOUND: nobody sits in the seat to move from");
      f.type("assign 1/cook 2");
      f.await("^  'cook' is not a hat");
      f.type("pause");
      f.await("^  ok \\(phase PAUSED, turn 1\\)");
      f.type("resume");
      f.await("^  ok \\(phase TURN_OPEN, turn 1\\)");
      f.type("inject big-order 3");
      f.await("^  ok ");
      assertTrue(
          next(pushes, ServerMessage.BodyCase.TURN_OPENED).getTurnOpened().getEventsList().stream()
              .anyMatch(e -> e.getInjected()));
      f.type("inject-custom \"Flu season\" morale=-5 teams=3 narrative=\"Half the team is ill\"");
      f.await("^  ok ");
      f.type("inject-custom \"Bad\" sanity=-5");
      f.await("^  the server refused: INVALID_ARGUMENT: no variable 'sanity'");
      f.type("broadcast Ten minutes left, then the debrief");
      f.await("^  ok ");
      assertEquals(
          "Ten minutes left, then the debrief",
          next(pushes, ServerMessage.BodyCase.BROADCAST).getBroadcast().getText());
      f.type("live");
      f.await("^Live: phase TURN_OPEN, turn 1");
      f.await("^    Team 3 +Dee +submitted 0/1");
      f.type("force");
      f.await("^  ok \\(phase TURN_OPEN, turn 1\\)");
      f.await("^=== Turn 1 resolved ===");
      next(pushes, ServerMessage.BodyCase.TURN_RESOLVED);

      f.type("replay");
      f.await("^Replay of s-\\S+: 1 turn\\(s\\)");
      f.await("^  turn 1: \\d+ decision\\(s\\)");
      f.type("export csv");
      f.await("^turn,team,variable,before,after,delta");
      f.await("^1,1,morale,");
      f.type("start");
      f.await("^  the server refused: WRONG_PHASE: the session has already started");
      f.type("bogus");
      f.await("^  Unknown command 'bogus'");

      f.type("kick 3");
      f.await("^  ok ");
      assertEquals(
          Goodbye.Reason.KICKED,
          next(pushes, ServerMessage.BodyCase.GOODBYE).getGoodbye().getReason());
      f.type("end");
      f.await("^=== Game over: final scores ===");
      f.type("quit");
      assertEquals(0, f.exitCode(Duration.ofSeconds(10)));
    }
  }

  @Test
  void aFacilitatorComesBackWithTheToken() throws Exception {
    Terminal first =
        Terminal.start(
            "facilitate", "--server", server.tcp().toString(), "--create", "--teams", "2");
    String token = first.await("^  Facilitator token +(\\S+)").group(1);
    first.type("quit");
    assertEquals(0, first.exitCode(Duration.ofSeconds(10)));
    Terminal again =
        Terminal.start("facilitate", "--server", server.webSocket().toString(), "--token", token);
    again.await("^Facilitating '.*' \\(market-year, 2 teams");
    again.type("start");
    again.await("^  ok \\(phase TURN_OPEN, turn 1\\)");
    again.endInput();
    assertEquals(0, again.exitCode(Duration.ofSeconds(10)));
  }

  @Test
  void badUsageSaysWhatIsWrong() throws Exception {
    Terminal t = Terminal.start("facilitate", "--server", server.webSocket().toString());
    assertEquals(2, t.exitCode(Duration.ofSeconds(10)));
    assertTrue(t.errors().contains("give either --create or --token TOKEN"), t.errors());
    Terminal bots =
        Terminal.start(
            "bots",
            "--server",
            server.webSocket().toString(),
            "--join",
            "X",
            "--count",
            "2",
            "--strategy",
            "clever");
    assertEquals(2, bots.exitCode(Duration.ofSeconds(10)));
    assertTrue(bots.errors().contains("unknown strategy 'clever'"), bots.errors());
    Terminal wrongCode =
        Terminal.start(
            "play", "--server", server.webSocket().toString(), "--join", "ZZZZZZ", "--name", "Eve");
    assertEquals(1, wrongCode.exitCode(Duration.ofSeconds(10)));
    assertTrue(wrongCode.errors().contains("NOT_FOUND"), wrongCode.errors());
  }
}

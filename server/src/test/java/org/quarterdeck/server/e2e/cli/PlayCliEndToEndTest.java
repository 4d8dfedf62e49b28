package org.quarterdeck.server.e2e.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.LiveView;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.server.testing.TestServer;

/** {@code play} driven by a script on standard input against a real server. */
class PlayCliEndToEndTest {
  @RegisterExtension static final TestServer server = TestServer.inMemory();

  private static ServerMessage facilitate(
      QuarterdeckClient facilitator, FacilitatorCommand.Builder command) throws Exception {
    return facilitator.call(ClientMessage.newBuilder().setFacilitator(command)).get(10, SECONDS);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ws", "ws-json", "tcp"})
  void aScriptJoinsRevisesAndPlaysTwoTurns(String transport) throws Exception {
    try (QuarterdeckClient facilitator = server.client();
        QuarterdeckClient other = server.client()) {
      SessionCreated session =
          server.create(facilitator, SessionSettings.newBuilder().setTeams(3).setSeed(42).build());
      facilitator.resume(session.getFacilitatorToken()).get(10, SECONDS);
      LinkedBlockingQueue<TurnOpened> otherTurns = new LinkedBlockingQueue<>();
      other.onPush(
          m -> {
            if (m.hasTurnOpened()) {
              otherTurns.add(m.getTurnOpened());
            }
          });
      other.join(session.getJoinCode(), "Other").get(10, SECONDS);

      String url =
          transport.equals("tcp") ? server.tcp().toString() : server.webSocket().toString();
      Terminal play =
          transport.equals("ws-json")
              ? Terminal.start(
                  "play",
                  "--server",
                  url,
                  "--join",
                  session.getJoinCode(),
                  "--name",
                  "Ada",
                  "--json")
              : Terminal.start(
                  "play", "--server", url, "--join", session.getJoinCode(), "--name", "Ada");
      // The whole script goes in before the game starts: lines wait for the turn to open.
      play.type(
          "push=10 coach=8 change=6",
          "submit",
          "push=12",
          "submit",
          "wait",
          "show",
          "report=5 vision=5 serve=4",
          "submit",
          "wait",
          "quit");
      play.await("^Joined as Ada on team \\d");
      play.await("^Your token: \\S{20,}");
      play.await("No turn is open yet");

      facilitate(facilitator, FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()));
      play.await("=== Turn 1 \\(quarter 1\\) is open ===");
      play.await("^    push +management");
      play.await("^  Decision v1 for turn 1 accepted \\(24 h booked\\)");
      play.await("^  Decision v2 for turn 1 accepted \\(26 h booked\\)");

      // The second player submits: every human has, so turn 1 resolves.
      other
          .call(
              ClientMessage.newBuilder()
                  .setSubmitDecision(
                      SubmitDecision.newBuilder()
                          .setTurn(1)
                          .setVersion(1)
                          .setDecision(
                              Decision.newBuilder()
                                  .addHours(ActHours.newBuilder().setAct("push").setHours(20)))))
          .get(10, SECONDS);
      play.await("=== Turn 1 results: what changed and why ===");
      play.await("^  Standings:");
      play.await("=== Turn 2 \\(quarter 1\\) is open ===");
      play.await("^> show");
      play.await("^  Booked 0 of [\\d.]+ free hours");
      play.await("^  Decision v1 for turn 2 accepted \\(14 h booked\\)");

      // Turn 2: the other player stays silent; the facilitator forces the turn.
      facilitate(
          facilitator, FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance()));
      play.await("=== Turn 2 results: what changed and why ===");
      play.await("=== Turn 3 \\(quarter 1\\) is open ===");
      assertEquals(0, play.exitCode(Duration.ofSeconds(20)));

      String out = play.transcript();
      // What changed and why: delayed leadership effects name the turn that caused them.
      assertTrue(out.contains("(from turn 1)"), out);
      assertTrue(out.contains("Dilemma shade-report") || !out.contains("Turn 3"), out);
      assertFalse(out.contains("Not accepted"), out);
    }
  }

  @Test
  void aLineOverTheBudgetIsRefusedLocallyAndNothingIsSent() throws Exception {
    try (QuarterdeckClient facilitator = server.client();
        QuarterdeckClient other = server.client()) {
      SessionCreated session =
          server.create(facilitator, SessionSettings.newBuilder().setTeams(2).setSeed(7).build());
      facilitator.resume(session.getFacilitatorToken()).get(10, SECONDS);
      other.join(session.getJoinCode(), "Other").get(10, SECONDS);
      Terminal play =
          Terminal.start(
              "play",
              "--server",
              server.webSocket().toString(),
              "--join",
              session.getJoinCode(),
              "--name",
              "Bea");
      play.await("^Your token:");
      facilitate(facilitator, FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()));
      var budget = play.await("free ([\\d.]+) h \\(\\+ up to ([\\d.]+) h overtime\\)");
      double free = Double.parseDouble(budget.group(1));
      double overtime = Double.parseDouble(budget.group(2));

      play.type("push=10 coach=" + (free + overtime)); // 10 h too many
      play.await("^  Refused: that would book [\\d.]+ h, but at most [\\d.]+ h are available");
      play.type("push=-3");
      play.await("^  Refused: hours for 'push' must be 0 or more");
      play.type("lunch=3");
      play.await("^  Refused: unknown act 'lunch'; acts: push, ");
      play.type("show");
      play.await("^  Booked 0 of ");
      play.await("^  Not submitted yet.");

      // Nothing reached the server: the live view shows no submission from Bea's team.
      LiveView live =
          facilitate(
                  facilitator,
                  FacilitatorCommand.newBuilder().setLiveView(Empty.getDefaultInstance()))
              .getLiveView();
      assertEquals(0, live.getTeamsList().stream().mapToInt(t -> t.getSubmitted()).sum());

      // Within free + overtime is fine (and says how much is overtime); then it is sent.
      play.type("push=" + (free + overtime - 1), "submit");
      play.await("h of it overtime");
      play.await("^  Decision v1 for turn 1 accepted");
      play.type("coach=2");
      play.await("^  Refused: that would book");
      play.type("quit");
      assertEquals(0, play.exitCode(Duration.ofSeconds(10)));
      assertFalse(play.transcript().contains("Not accepted"), play.transcript());
    }
  }

  @Test
  void aPlayerCanTakeTheSeatBackWithTheToken() throws Exception {
    try (QuarterdeckClient facilitator = server.client()) {
      SessionCreated session =
          server.create(facilitator, SessionSettings.newBuilder().setTeams(2).setSeed(9).build());
      facilitator.resume(session.getFacilitatorToken()).get(10, SECONDS);
      Terminal first =
          Terminal.start(
              "play",
              "--server",
              server.webSocket().toString(),
              "--join",
              session.getJoinCode(),
              "--name",
              "Cy",
              "--team",
              "2");
      first.await("^Joined as Cy on team 2\\.");
      String token = first.await("^Your token: (\\S+)").group(1);
      facilitate(facilitator, FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()));
      first.await("=== Turn 1 ");
      first.type("coach=5", "quit");
      assertEquals(0, first.exitCode(Duration.ofSeconds(10)));

      Terminal again =
          Terminal.start("play", "--server", server.tcp().toString(), "--token", token);
      again.await("^Resumed your seat.");
      again.await("=== Turn 1 \\(quarter 1\\) is open ===");
      again.type("serve=4", "submit");
      again.await("^  Decision v1 for turn 1 accepted");
      again.await("=== Turn 1 results");
      again.type("quit");
      assertEquals(0, again.exitCode(Duration.ofSeconds(10)));
    }
  }

  @Test
  void waitReturnsAtOnceWhenTheTurnIsAlreadyOpen() throws Exception {
    try (QuarterdeckClient facilitator = server.client()) {
      SessionCreated session =
          server.create(facilitator, SessionSettings.newBuilder().setTeams(2).setSeed(21).build());
      facilitator.resume(session.getFacilitatorToken()).get(10, SECONDS);
      Terminal play =
          Terminal.start(
              "play",
              "--server",
              server.webSocket().toString(),
              "--join",
              session.getJoinCode(),
              "--name",
              "Hal");
      play.await("^Your token:");
      facilitate(facilitator, FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()));
      play.await("=== Turn 1 \\(quarter 1\\) is open ===");
      play.type("push=10", "submit"); // the only human: the turn resolves at once
      play.await("=== Turn 2 \\(quarter 1\\) is open ===");
      // Nothing else will happen on the server: "wait" must not hold the next line back.
      play.type("wait", "coach=3");
      play.await("^  Booked 3 of ");
      play.type("quit");
      assertEquals(0, play.exitCode(Duration.ofSeconds(10)));
    }
  }

  /**
   * Under {@code QUARTERDECK_LANG=de} the terminal speaks German: the turn, the booking, the
   * results and the standings, with no English sentence of the client's bundle.
   */
  @Test
  void aGermanPlayerReadsTheTurnInGerman() throws Exception {
    try (QuarterdeckClient facilitator = server.client()) {
      SessionCreated session =
          server.create(facilitator, SessionSettings.newBuilder().setTeams(2).setSeed(7).build());
      facilitator.resume(session.getFacilitatorToken()).get(10, SECONDS);
      Terminal play =
          Terminal.start(
              java.util.Map.of("QUARTERDECK_LANG", "de"),
              "play",
              "--server",
              server.webSocket().toString(),
              "--join",
              session.getJoinCode(),
              "--name",
              "Ada");
      play.type("push=10 coach=7.5", "submit", "show", "wait", "quit");
      play.await("^Beigetreten als Ada in Team \\d");
      play.await("Noch ist keine Runde offen");
      facilitate(facilitator, FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()));
      play.await("=== Runde 1 \\(Quartal 1\\) ist offen ===");
      play.await("^  Entscheidung v1 für Runde 1 angenommen \\(17,5 h gebucht\\)");
      facilitate(
          facilitator, FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance()));
      play.await("=== Ergebnisse von Runde 1: was sich änderte und warum ===");
      play.await("^  Rangfolge:");
      assertEquals(0, play.exitCode(Duration.ofSeconds(20)));

      String out = play.transcript();
      java.util.Properties english = new java.util.Properties();
      java.util.Properties german = new java.util.Properties();
      try (var en = getClass().getResourceAsStream("/org/quarterdeck/client/cli/Texts.properties");
          var de =
              getClass().getResourceAsStream("/org/quarterdeck/client/cli/Texts_de.properties")) {
        english.load(new java.io.InputStreamReader(en, java.nio.charset.StandardCharsets.UTF_8));
        german.load(new java.io.InputStreamReader(de, java.nio.charset.StandardCharsets.UTF_8));
      }
      java.util.List<String> left = new java.util.ArrayList<>();
      for (String key : english.stringPropertyNames()) {
        for (String part : english.getProperty(key).split("\\{\\d\\}|\n")) {
          String words = part.strip();
          if (words.matches(".*[a-z]+ [a-z]+.*")
              && !german.getProperty(key).contains(words)
              && out.contains(words)) {
            left.add(key + ": " + words);
          }
        }
      }
      assertEquals(java.util.List.of(), left, out);
    }
  }
}

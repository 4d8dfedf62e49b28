package org.quarterdeck.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Contribution;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.TurnResolved;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.scenario.ScenarioTranslation;
import org.quarterdeck.server.testing.TestServer;

/**
 * Two people in one session, one reading German (Hello.language "de-CH") and one English, over real
 * sockets: each gets the scenario's texts and the server's errors in their own language, while the
 * game (ids, codes, fields, state hashes) is the same for both.
 */
class LanguagesEndToEndTest {
  @RegisterExtension static final TestServer server = TestServer.inMemory();

  private static TestPlayer join(String code, String name, String language) throws Exception {
    TestPlayer p = new TestPlayer(server.tcp(), false, language);
    ServerMessage joined =
        p.call(
            ClientMessage.newBuilder()
                .setJoinSession(JoinSession.newBuilder().setJoinCode(code).setDisplayName(name)));
    assertTrue(joined.hasJoined(), joined.toString());
    return p;
  }

  private static ServerMessage submit(TestPlayer p, int turn, Decision d) throws Exception {
    return p.call(
        ClientMessage.newBuilder()
            .setSubmitDecision(
                SubmitDecision.newBuilder().setTurn(turn).setVersion(1).setDecision(d)));
  }

  private static Map<String, String> actNames(TurnOpened open) {
    return open.getActsList().stream().collect(Collectors.toMap(ActView::getId, ActView::getName));
  }

  @Test
  void eachPersonReadsTheirLanguageAndTheGameStaysOne() throws Exception {
    TestPlayer facilitator = new TestPlayer(server.tcp(), false);
    ServerMessage created =
        facilitator.call(
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder()
                        .setBuiltinScenario("market-year")
                        .setSettings(SessionSettings.newBuilder().setTeams(2).setSeed(7))));
    String code = created.getSessionCreated().getJoinCode();
    facilitator.call(
        ClientMessage.newBuilder()
            .setResume(
                Resume.newBuilder().setToken(created.getSessionCreated().getFacilitatorToken())));
    try (TestPlayer german = join(code, "Greta", "de-CH");
        TestPlayer english = join(code, "Eddie", "en-GB")) {
      facilitator.call(
          ClientMessage.newBuilder()
              .setFacilitator(
                  FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
      TurnOpened deOpen = german.await(ServerMessage::hasTurnOpened, 20).getTurnOpened();
      TurnOpened enOpen = english.await(ServerMessage::hasTurnOpened, 20).getTurnOpened();

      assertEquals("Zahlen treiben", actNames(deOpen).get("push"));
      assertEquals("Push the numbers", actNames(enOpen).get("push"));
      assertEquals(actNames(enOpen).keySet(), actNames(deOpen).keySet(), "the same acts by id");
      assertEquals(enOpen.getFreeHours(), deOpen.getFreeHours());

      Decision negative =
          Decision.newBuilder().addHours(ActHours.newBuilder().setAct("push").setHours(-1)).build();
      ServerMessage deError = submit(german, deOpen.getTurn(), negative);
      ServerMessage enError = submit(english, enOpen.getTurn(), negative);
      assertEquals(ErrorCode.INVALID_ARGUMENT, deError.getError().getCode(), deError.toString());
      assertEquals(enError.getError().getCode(), deError.getError().getCode());
      assertEquals(enError.getError().getField(), deError.getError().getField());
      assertTrue(
          enError.getError().getMessage().contains("must not be negative"), enError.toString());
      assertTrue(
          deError.getError().getMessage().contains("dürfen nicht negativ sein"),
          deError.toString());

      Decision plan =
          Decision.newBuilder()
              .addHours(ActHours.newBuilder().setAct("push").setHours(40))
              .addHours(ActHours.newBuilder().setAct("coach").setHours(30))
              .build();
      assertTrue(submit(german, deOpen.getTurn(), plan).hasDecisionAccepted());
      assertTrue(submit(english, enOpen.getTurn(), plan).hasDecisionAccepted());
      TurnResolved de = german.await(ServerMessage::hasTurnResolved, 30).getTurnResolved();
      TurnResolved en = english.await(ServerMessage::hasTurnResolved, 30).getTurnResolved();
      assertEquals(en.getStateHash(), de.getStateHash(), "one game, whatever the language");

      ScenarioTranslation translation =
          ScenarioCatalog.builtIn("market-year").translations().get("de");
      // The two teams' reports differ (each draws its own events): check each against the file.
      Map<String, String> germanLabels = new java.util.HashMap<>();
      ScenarioTranslation.keysOf(ScenarioCatalog.builtIn("market-year").scenario())
          .forEach(
              (key, englishText) -> {
                if (key.startsWith("labels.")) {
                  germanLabels.put(englishText, translation.text(key).orElseThrow());
                }
              });
      assertFalse(labels(de).isEmpty());
      assertTrue(germanLabels.values().containsAll(labels(de)), labels(de).toString());
      assertTrue(germanLabels.keySet().containsAll(labels(en)), labels(en).toString());
      assertTrue(
          labels(de).stream()
              .noneMatch(l -> germanLabels.containsKey(l) && !germanLabels.get(l).equals(l)),
          "an English label was left: " + labels(de));
    }
    facilitator.close();
  }

  private static Set<String> labels(TurnResolved r) {
    return r.getReport().getChangesList().stream()
        .flatMap(c -> c.getContributionsList().stream())
        .map(Contribution::getLabel)
        .collect(Collectors.toSet());
  }

  @Test
  void anUnknownJoinCodeIsRefusedInGermanAndABadTagIsInvalid() throws Exception {
    try (TestPlayer german = new TestPlayer(server.webSocket(), true, "de")) {
      ServerMessage refused =
          german.call(
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder().setJoinCode("ZZZZZZZZ").setDisplayName("Greta")));
      assertEquals(ErrorCode.NOT_FOUND, refused.getError().getCode(), refused.toString());
      assertEquals("keine Sitzung hat diesen Beitrittscode", refused.getError().getMessage());
    }
    try (TestPlayer unknownLanguage = new TestPlayer(server.tcp(), false, "tlh")) {
      ServerMessage refused =
          unknownLanguage.call(
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder().setJoinCode("ZZZZZZZZ").setDisplayName("Worf")));
      assertEquals("no session has that join code", refused.getError().getMessage());
    }
    org.quarterdeck.client.QuarterdeckClient raw = server.client(server.tcp(), false);
    try {
      ServerMessage bad =
          raw.request(
                  ClientMessage.newBuilder()
                      .setHello(
                          Hello.newBuilder().addProtocolVersions(1).setLanguage("de_DE; drop")))
              .get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(ErrorCode.INVALID_ARGUMENT, bad.getError().getCode(), bad.toString());
      assertTrue(bad.getError().getMessage().contains("hello.language"), bad.toString());
    } finally {
      raw.close();
    }
  }
}

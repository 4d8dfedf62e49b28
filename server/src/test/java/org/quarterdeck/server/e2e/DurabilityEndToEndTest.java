package org.quarterdeck.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.GetReplay;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.WhatIf;
import org.quarterdeck.protocol.v1.WhatIfChange;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.cli.Main;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.store.StoreOptions;
import org.quarterdeck.server.testing.TestServer;

/**
 * A server restarted on its data directory: sessions come back, an open turn keeps its drafts, a
 * corrupt log quarantines only its session; replay, what-if and export over the wire, HTTP and the
 * command line.
 */
class DurabilityEndToEndTest {
  @TempDir Path data;

  private TestServer start() throws Exception {
    return TestServer.with(NetLimits.defaults(), Storage.files(data, StoreOptions.DEFAULTS))
        .start();
  }

  private static Decision decision(TurnOpened open, String act) {
    return Decision.newBuilder()
        .addHours(ActHours.newBuilder().setAct(act).setHours(Math.floor(open.getFreeHours())))
        .build();
  }

  private static ServerMessage submit(TestPlayer p, TurnOpened open, Decision d) throws Exception {
    return p.call(
        ClientMessage.newBuilder()
            .setSubmitDecision(
                SubmitDecision.newBuilder().setTurn(open.getTurn()).setVersion(1).setDecision(d)));
  }

  private record Table(SessionCreated created, String anaToken, String benToken) {}

  private static Table openTable(TestServer server, long seed) throws Exception {
    try (TestPlayer fac = new TestPlayer(server.webSocket(), false)) {
      SessionCreated created =
          fac.call(
                  ClientMessage.newBuilder()
                      .setCreateSession(
                          CreateSession.newBuilder()
                              .setSettings(SessionSettings.newBuilder().setTeams(3).setSeed(seed))))
              .getSessionCreated();
      fac.call(
          ClientMessage.newBuilder()
              .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())));
      String[] tokens = new String[2];
      for (int i = 0; i < 2; i++) {
        TestPlayer p = new TestPlayer(server.tcp(), false);
        tokens[i] =
            p.call(
                    ClientMessage.newBuilder()
                        .setJoinSession(
                            JoinSession.newBuilder()
                                .setJoinCode(created.getJoinCode())
                                .setDisplayName("P" + i)
                                .setPreferredTeam(-1)))
                .getJoined()
                .getToken();
        p.close();
      }
      fac.call(
          ClientMessage.newBuilder()
              .setFacilitator(
                  FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
      return new Table(created, tokens[0], tokens[1]);
    }
  }

  private static TestPlayer resume(URI uri, String token, ServerMessage[] snapshot)
      throws Exception {
    TestPlayer p = new TestPlayer(uri, false);
    snapshot[0] = p.call(ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(token)));
    return p;
  }

  @Test
  void sessionsSurviveARestartAndReplayWhatIfAndExportWork() throws Exception {
    Table table;
    String draftAct = "coach";
    try (TestServer server = start()) {
      table = openTable(server, 21);
      ServerMessage[] snap = new ServerMessage[1];
      try (TestPlayer ana = resume(server.tcp(), table.anaToken(), snap);
          TestPlayer ben = resume(server.tcp(), table.benToken(), snap)) {
        for (int turn = 1; turn <= 2; turn++) {
          TurnOpened a =
              turn == 1
                  ? snapFor(ana, table.anaToken())
                  : ana.await(ServerMessage::hasTurnOpened, 10).getTurnOpened();
          TurnOpened b =
              turn == 1
                  ? snapFor(ben, table.benToken())
                  : ben.await(ServerMessage::hasTurnOpened, 10).getTurnOpened();
          assertTrue(submit(ana, a, decision(a, "push")).hasDecisionAccepted());
          assertTrue(submit(ben, b, decision(b, "change")).hasDecisionAccepted());
        }
        TurnOpened a3 = ana.await(ServerMessage::hasTurnOpened, 10).getTurnOpened();
        assertTrue(submit(ana, a3, decision(a3, draftAct)).hasDecisionAccepted());
      }
    }

    try (TestServer server = start()) {
      ServerMessage[] snap = new ServerMessage[1];
      try (TestPlayer ana = resume(server.webSocket(), table.anaToken(), snap)) {
        assertEquals(Phase.TURN_OPEN, snap[0].getSnapshot().getPhase(), snap[0].toString());
        assertEquals(3, snap[0].getSnapshot().getOpenTurn().getTurn());
        assertEquals(1, snap[0].getSnapshot().getDraftVersion(), "the acknowledged draft is back");
        assertEquals(draftAct, snap[0].getSnapshot().getDraft().getHours(0).getAct());
        assertEquals(2, snap[0].getSnapshot().getHistoryCount());

        var playerReplay =
            ana.call(ClientMessage.newBuilder().setGetReplay(GetReplay.getDefaultInstance()))
                .getReplay();
        assertEquals(2, playerReplay.getFramesCount());
        assertTrue(
            playerReplay.getFrames(0).getTeamsList().stream()
                .allMatch(t -> t.getTeam() == snap[0].getSnapshot().getTeam()),
            "redacted");
      }
      ServerMessage[] fsnap = new ServerMessage[1];
      try (TestPlayer fac =
          resume(server.webSocket(), table.created().getFacilitatorToken(), fsnap)) {
        assertEquals(3, fsnap[0].getSnapshot().getTeamsCount());
        var replay =
            fac.call(ClientMessage.newBuilder().setGetReplay(GetReplay.getDefaultInstance()))
                .getReplay();
        assertEquals(2, replay.getFramesCount());
        assertEquals(3, replay.getFrames(1).getTeamsCount());
        var whatIf =
            fac.call(
                    ClientMessage.newBuilder()
                        .setWhatIf(
                            WhatIf.newBuilder()
                                .setFromTurn(1)
                                .addChanges(
                                    WhatIfChange.newBuilder().setTeam(0).setBotStrategy("leader"))))
                .getWhatIfResult();
        assertEquals(2, whatIf.getActualCount());
        assertEquals(replay.getFramesList(), whatIf.getActualList(), "the real run is untouched");
        assertNotEquals(
            whatIf.getActual(1).getStateHash(), whatIf.getCounterfactual(1).getStateHash());
        assertEquals(
            ErrorCode.INVALID_ARGUMENT,
            fac.call(ClientMessage.newBuilder().setWhatIf(WhatIf.newBuilder().setFromTurn(9)))
                .getError()
                .getCode());

        HttpResponse<String> csv =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                server.addresses().httpUrl()
                                    + "/sessions/"
                                    + table.created().getSessionId()
                                    + "/export?format=csv"))
                        .header("Authorization", "Bearer " + table.created().getFacilitatorToken())
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(200, csv.statusCode(), csv.body());
        String[] lines = csv.body().split("\n");
        assertTrue(lines[0].startsWith("session_id,turn,team,team_name,defaulted,morale"));
        assertTrue(lines[0].contains("hours_coach") && lines[0].endsWith(",events"));
        assertEquals(1 + 2 * 3, lines.length, "one row per team per turn");
        HttpResponse<String> forbidden =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                server.addresses().httpUrl()
                                    + "/sessions/"
                                    + table.created().getSessionId()
                                    + "/export?format=csv"))
                        .header("Authorization", "Bearer " + table.anaToken())
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(403, forbidden.statusCode());
      }
    }

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(
        0,
        Main.run(
            new String[] {
              "export",
              "--data",
              data.toString(),
              "--session",
              table.created().getSessionId(),
              "--format",
              "json"
            },
            new PrintStream(out),
            System.err));
    String json = out.toString(StandardCharsets.UTF_8);
    assertTrue(json.contains("\"replay\"") && json.contains("\"records\""));
    assertTrue(!json.contains(table.anaToken()), "tokens are never exported");
    ByteArrayOutputStream verified = new ByteArrayOutputStream();
    assertEquals(
        0,
        Main.run(
            new String[] {"verify", "--data", data.toString()},
            new PrintStream(verified),
            System.err),
        verified.toString());
  }

  private static TurnOpened snapFor(TestPlayer p, String token) throws Exception {
    return p.call(ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(token)))
        .getSnapshot()
        .getOpenTurn();
  }

  @Test
  void aCorruptLogQuarantinesOnlyItsSession() throws Exception {
    Table good;
    Table bad;
    try (TestServer server = start()) {
      good = openTable(server, 1);
      bad = openTable(server, 2);
    }
    Path log = data.resolve("sessions").resolve(bad.created().getSessionId() + ".qlog");
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "rw")) {
      long middle = file.length() - 150; // a small record near the end, with more after it
      file.seek(middle);
      int b = file.read();
      file.seek(middle);
      file.write(b ^ 0x5A);
    }
    try (TestServer server = start()) {
      ServerMessage[] snap = new ServerMessage[1];
      try (TestPlayer fac = resume(server.tcp(), bad.created().getFacilitatorToken(), snap)) {
        assertTrue(fac.client.isOpen(), "refused, not disconnected");
        assertEquals(ErrorCode.UNAVAILABLE, snap[0].getError().getCode());
        assertTrue(snap[0].getError().getMessage().contains("quarantined"), snap[0].toString());
      }
      try (TestPlayer fac = resume(server.tcp(), good.created().getFacilitatorToken(), snap)) {
        assertTrue(fac.client.isOpen());
        assertEquals(Phase.TURN_OPEN, snap[0].getSnapshot().getPhase());
      }
      assertEquals(1, server.app().sessions().quarantined().size());
    }
    ByteArrayOutputStream verified = new ByteArrayOutputStream();
    assertEquals(
        1,
        Main.run(
            new String[] {"verify", "--data", data.toString()},
            new PrintStream(verified),
            System.err));
    assertTrue(
        verified.toString().contains("FAIL " + bad.created().getSessionId()), verified.toString());
    assertTrue(verified.toString().contains("ok   " + good.created().getSessionId()));
  }
}

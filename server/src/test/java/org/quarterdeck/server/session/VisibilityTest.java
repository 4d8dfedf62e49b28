package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.FinalScore;
import org.quarterdeck.protocol.v1.LiveView;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Spectate;
import org.quarterdeck.protocol.v1.TeamView;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.TurnReport;
import org.quarterdeck.server.session.SessionFixture.Player;

/**
 * No message sent to a player or a spectator carries another team's sealed decision or private
 * state: every message of a whole game is walked field by field.
 */
class VisibilityTest {
  /** An hour figure only Ben ever books: if it shows up anywhere Ana can see, it leaked. */
  private static final double BENS_MARK = 7.123456;

  @Test
  void aWholeGameLeaksNothingAboutOtherTeams() throws Exception {
    SessionFixture f = new SessionFixture();
    f.givenSession(
        SessionSettings.newBuilder().setTeams(3).setTurnDeadlineSeconds(60).setSeed(7).build());
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    FakeConnection spectator = new FakeConnection("10.0.5.5:1");
    f.send(
        spectator,
        ClientMessage.newBuilder()
            .setSpectate(Spectate.newBuilder().setJoinCode(f.created.getJoinCode())));
    f.start();
    int turns = 0;
    while (ana.connection.all(ServerMessage::hasSessionEnded).isEmpty() && turns < 20) {
      TurnOpened anaOpen = f.lastOpening(ana);
      TurnOpened benOpen = f.lastOpening(ben);
      assertTrue(
          f.submit(ana, anaOpen.getTurn(), 1, SessionFixture.even(anaOpen)).hasDecisionAccepted());
      Decision bens =
          SessionFixture.spread(benOpen, 0.5, "push", "coach").toBuilder()
              .addHours(ActHours.newBuilder().setAct("values").setHours(BENS_MARK))
              .build();
      assertTrue(f.submit(ben, benOpen.getTurn(), 1, bens).hasDecisionAccepted());
      turns++;
    }
    assertEquals(12, turns);
    assertTrue(String.valueOf(BENS_MARK).length() > 5);

    for (ServerMessage m : ana.connection.received) {
      assertSeesOnlyTeam(m, ana.team);
      assertFalse(json(m).contains(String.valueOf(BENS_MARK)), "Ben's hours leaked: " + m);
    }
    boolean sawOwnReport =
        ana.connection.received.stream()
            .anyMatch(
                m -> m.hasTurnResolved() && m.getTurnResolved().getReport().getTeam() == ana.team);
    assertTrue(sawOwnReport);
    for (ServerMessage m : spectator.received) {
      assertSeesOnlyTeam(m, -1);
      assertFalse(json(m).contains(String.valueOf(BENS_MARK)));
    }
    // the facilitator does see Ben's decision in the live view of reports
    assertTrue(f.facilitator.received.stream().anyMatch(ServerMessage::hasLiveView));
  }

  private static String json(ServerMessage m) throws Exception {
    return JsonFormat.printer().print(m);
  }

  /** Walks every field: team views, reports and score details must be of {@code team} only. */
  private static void assertSeesOnlyTeam(Message message, int team) {
    if (message instanceof LiveView) {
      fail("a live view (every team's state) was sent to a non-facilitator");
    }
    if (message instanceof TeamView v && v.getTeam() != team) {
      fail("team " + v.getTeam() + "'s state was sent to a member of team " + team);
    }
    if (message instanceof TurnReport r && r.getTeam() != team) {
      fail("team " + r.getTeam() + "'s report was sent to a member of team " + team);
    }
    if (message instanceof FinalScore s && s.getTeam() != team && s.getPartsCount() > 0) {
      fail("team " + s.getTeam() + "'s score details were sent to a member of team " + team);
    }
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      List<Object> values = new ArrayList<>();
      if (field.getKey().isRepeated()) {
        values.addAll((List<?>) field.getValue());
      } else {
        values.add(field.getValue());
      }
      for (Object v : values) {
        assertSeesOnlyTeam((Message) v, team);
      }
    }
  }
}

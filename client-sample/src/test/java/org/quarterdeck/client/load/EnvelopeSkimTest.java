package org.quarterdeck.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.DecisionAccepted;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.EventView;
import org.quarterdeck.protocol.v1.LiveView;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.PhaseChanged;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionEnded;
import org.quarterdeck.protocol.v1.Standing;
import org.quarterdeck.protocol.v1.TeamView;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.TurnResolved;

/** The generator reads the large pushes only as far as it needs them, everything else in full. */
class EnvelopeSkimTest {
  private static final ServerMessage RESOLVED =
      ServerMessage.newBuilder()
          .setTurnResolved(
              TurnResolved.newBuilder()
                  .setTurn(7)
                  .setTeam(TeamView.newBuilder().setTeam(1).setName("Team 2").addPlayers("ann"))
                  .addStandings(Standing.newBuilder().setTeam(1).setRank(1).setScore(61.5))
                  .addStandings(Standing.newBuilder().setTeam(0).setRank(2).setScore(40))
                  .setStateHash("ab".repeat(32)))
          .build();

  private static final ServerMessage OPENED =
      ServerMessage.newBuilder()
          .setTurnOpened(
              TurnOpened.newBuilder()
                  .setTurn(8)
                  .setQuarter(3)
                  .setBudgetHours(50)
                  .setInterruptionHours(9.5)
                  .setFreeHours(40.5)
                  .setMaxOvertimeHours(10)
                  .setDeadlineEpochMs(1_700_000_000_123L)
                  .addActs(ActView.newBuilder().setId("coach").setName("Coach").setLeadership(true))
                  .addActs(ActView.newBuilder().setId("push").setDescription("numbers first"))
                  .addEvents(EventView.newBuilder().setId("e1").setTitle("A rival cuts prices")))
          .build();

  @Test
  void aTurnResolvedKeepsItsTurnAndDropsItsReport() throws Exception {
    ServerMessage m = EnvelopeSkim.read(bytes(RESOLVED));

    assertTrue(m.hasTurnResolved());
    assertEquals(7, m.getTurnResolved().getTurn());
    assertFalse(m.getTurnResolved().hasTeam());
    assertEquals(0, m.getTurnResolved().getStandingsCount());
    assertEquals(0, m.getRequestId());
  }

  @Test
  void aTurnOpenedKeepsItsTurnFreeHoursAndActIds() throws Exception {
    TurnOpened full = OPENED.getTurnOpened();
    TurnOpened m = EnvelopeSkim.read(bytes(OPENED)).getTurnOpened();

    assertEquals(full.getTurn(), m.getTurn());
    assertEquals(full.getFreeHours(), m.getFreeHours());
    assertEquals(
        full.getActsList().stream().map(ActView::getId).toList(),
        m.getActsList().stream().map(ActView::getId).toList());
    assertEquals("", m.getActs(0).getName());
    assertEquals(0, m.getEventsCount());
  }

  @Test
  void pushesTheGeneratorIgnoresAreDroppedButAReplyIsParsedInFull() throws Exception {
    ServerMessage push =
        ServerMessage.newBuilder()
            .setLiveView(LiveView.newBuilder().setTurn(3).setDeadlineEpochMs(5))
            .build();
    assertNull(EnvelopeSkim.read(bytes(push)));

    ServerMessage reply = push.toBuilder().setRequestId(12).build();
    assertEquals(reply, EnvelopeSkim.read(bytes(reply)));
    ServerMessage resolvedReply = RESOLVED.toBuilder().setRequestId(13).build();
    assertEquals(resolvedReply, EnvelopeSkim.read(bytes(resolvedReply)));
  }

  @Test
  void everyOtherEnvelopeIsParsedInFull() throws Exception {
    for (ServerMessage m :
        new ServerMessage[] {
          ServerMessage.newBuilder()
              .setRequestId(4)
              .setDecisionAccepted(DecisionAccepted.newBuilder().setTurn(2).setVersion(3))
              .build(),
          ServerMessage.newBuilder()
              .setPhaseChanged(
                  PhaseChanged.newBuilder()
                      .setPhase(Phase.TURN_OPEN)
                      .setTurn(2)
                      .setDeadlineEpochMs(99))
              .build(),
          ServerMessage.newBuilder()
              .setError(
                  org.quarterdeck.protocol.v1.Error.newBuilder()
                      .setCode(ErrorCode.WRONG_PHASE)
                      .setMessage("late"))
              .build(),
          ServerMessage.getDefaultInstance()
        }) {
      assertEquals(m, EnvelopeSkim.read(bytes(m)));
    }
    ServerMessage ended =
        EnvelopeSkim.read(
            bytes(
                ServerMessage.newBuilder()
                    .setSessionEnded(
                        SessionEnded.newBuilder().addDebrief("numbers won Q1, lost the year"))
                    .build()));
    assertTrue(ended.hasSessionEnded());
  }

  @Test
  void aTruncatedEnvelopeIsRefused() {
    byte[] whole = RESOLVED.toByteArray();
    ByteBuf cut = Unpooled.wrappedBuffer(Arrays.copyOf(whole, whole.length - 5));
    assertThrows(InvalidProtocolBufferException.class, () -> EnvelopeSkim.read(cut));
  }

  @Test
  void bothWiresSkimTheirFrames() {
    EmbeddedChannel ws = new EmbeddedChannel(new LoadCodec(false));
    ws.writeInbound(new BinaryWebSocketFrame(bytes(RESOLVED)));
    ws.writeInbound(
        new BinaryWebSocketFrame(
            bytes(
                ServerMessage.newBuilder().setLiveView(LiveView.newBuilder().setTurn(1)).build())));
    ServerMessage in = ws.readInbound();
    assertEquals(7, in.getTurnResolved().getTurn());
    assertNull(ws.readInbound(), "the live view is dropped");
    assertFalse(ws.finishAndReleaseAll());

    EmbeddedChannel tcp = new EmbeddedChannel(new EnvelopeSkim.TcpDecoder());
    tcp.writeInbound(bytes(OPENED));
    assertEquals(8, ((ServerMessage) tcp.readInbound()).getTurnOpened().getTurn());
    assertThrows(
        DecoderException.class, () -> tcp.writeInbound(Unpooled.wrappedBuffer(new byte[] {-1})));
    tcp.finishAndReleaseAll();
  }

  private static ByteBuf bytes(ServerMessage m) {
    return Unpooled.wrappedBuffer(m.toByteArray());
  }
}

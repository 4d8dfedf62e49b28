package org.quarterdeck.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.DecisionAccepted;
import org.quarterdeck.protocol.v1.Ping;
import org.quarterdeck.protocol.v1.ServerMessage;

/** The generator's frame codec: JSON goes out as text frames, binary as protobuf, both come in. */
class LoadCodecTest {
  private static final ClientMessage PING =
      ClientMessage.newBuilder().setRequestId(7).setPing(Ping.newBuilder().setNonce(7)).build();

  @Test
  void jsonEnvelopesTravelAsTextFramesBothWays() {
    EmbeddedChannel channel = new EmbeddedChannel(new LoadCodec(true));

    channel.writeOutbound(PING);
    TextWebSocketFrame out = channel.readOutbound();
    assertTrue(out.text().contains("\"ping\""), out.text());
    assertTrue(out.text().contains("\"requestId\":\"7\""), out.text());
    out.release();

    channel.writeInbound(
        new TextWebSocketFrame(
            "{\"requestId\":\"7\",\"decisionAccepted\":{\"version\":3},\"laterField\":1}"));
    ServerMessage in = channel.readInbound();
    assertEquals(7, in.getRequestId());
    assertEquals(3, in.getDecisionAccepted().getVersion());
    channel.finishAndReleaseAll();
  }

  @Test
  void binaryEnvelopesTravelAsBinaryFramesBothWays() {
    EmbeddedChannel channel = new EmbeddedChannel(new LoadCodec(false));

    channel.writeOutbound(PING);
    BinaryWebSocketFrame out = channel.readOutbound();
    byte[] bytes = new byte[out.content().readableBytes()];
    out.content().readBytes(bytes);
    out.release();
    assertEquals(PING, parse(bytes));

    ServerMessage accepted =
        ServerMessage.newBuilder()
            .setRequestId(9)
            .setDecisionAccepted(DecisionAccepted.newBuilder().setVersion(2))
            .build();
    channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(accepted.toByteArray())));
    assertEquals(accepted, channel.readInbound());
    channel.finishAndReleaseAll();
  }

  @Test
  void theWireFollowsTheAddressAndTheJsonFlag() {
    assertEquals(Wire.WEBSOCKET_BINARY, Wire.of(URI.create("ws://h:1/ws"), false));
    assertEquals(Wire.WEBSOCKET_JSON, Wire.of(URI.create("ws://h:1/ws"), true));
    assertEquals(Wire.TCP, Wire.of(URI.create("tcp://h:2"), false));
    assertThrows(IllegalArgumentException.class, () -> Wire.of(URI.create("http://h:1/"), false));
    assertThrows(IllegalArgumentException.class, () -> Wire.of(URI.create("tcp://h:2"), true));
  }

  private static ClientMessage parse(byte[] bytes) {
    try {
      return ClientMessage.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}

package org.quarterdeck.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Ping;
import org.quarterdeck.protocol.v1.Pong;
import org.quarterdeck.protocol.v1.ServerMessage;

class WebSocketEnvelopeCodecTest {
  private final EmbeddedChannel channel =
      new EmbeddedChannel(new WebSocketEnvelopeCodec(new EnvelopeParser(NetLimits.defaults())));

  private static final ServerMessage PONG =
      ServerMessage.newBuilder().setRequestId(3).setPong(Pong.newBuilder().setNonce(8)).build();

  @Test
  void answersBinaryWithBinary() throws Exception {
    ClientMessage ping =
        ClientMessage.newBuilder().setRequestId(3).setPing(Ping.newBuilder().setNonce(8)).build();
    BinaryWebSocketFrame in = new BinaryWebSocketFrame(Unpooled.wrappedBuffer(ping.toByteArray()));
    channel.writeInbound(in);
    assertEquals(0, in.refCnt());
    Inbound inbound = channel.readInbound();
    assertEquals(ping, inbound.message());

    channel.writeOutbound(PONG);
    BinaryWebSocketFrame out = assertInstanceOf(BinaryWebSocketFrame.class, channel.readOutbound());
    assertEquals(PONG, ServerMessage.parseFrom(ByteBufUtil.getBytes(out.content())));
    out.release();
  }

  @Test
  void answersTextWithTheJsonMapping() {
    TextWebSocketFrame in =
        new TextWebSocketFrame("{\"requestId\":\"3\",\"ping\":{\"nonce\":\"8\"}}");
    channel.writeInbound(in);
    assertEquals(0, in.refCnt());
    Inbound inbound = channel.readInbound();
    assertEquals(WireFormat.JSON, inbound.format());

    channel.writeOutbound(PONG);
    TextWebSocketFrame out = assertInstanceOf(TextWebSocketFrame.class, channel.readOutbound());
    assertEquals("{\"requestId\":\"3\",\"pong\":{\"nonce\":\"8\"}}", out.text());
    out.release();
  }

  @Test
  void badTextBecomesABadFrameNotAnException() {
    channel.writeInbound(new TextWebSocketFrame("{not json"));
    BadFrame bad = assertInstanceOf(BadFrame.class, channel.readInbound());
    assertEquals(WireFormat.JSON, bad.format());
    assertTrue(bad.message().startsWith("not a valid ClientMessage in JSON"));
  }
}

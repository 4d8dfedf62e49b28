package org.quarterdeck.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import java.util.List;
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
    ByteBuf out = assertInstanceOf(ByteBuf.class, channel.readOutbound());
    assertEquals(0x82, out.readUnsignedByte(), "FIN, binary, one frame");
    assertEquals(PONG.getSerializedSize(), out.readUnsignedByte(), "unmasked, short length");
    assertEquals(PONG, ServerMessage.parseFrom(ByteBufUtil.getBytes(out)));
    out.release();
  }

  /**
   * The frame the codec writes in one buffer passes Netty's frame encoder untouched and reads back
   * with a client's frame decoder, for each of the three length forms (7 bits, 16 bits, 64 bits).
   */
  @Test
  void binaryFramesReadBackWithAClientsDecoderAtEveryLengthForm() throws Exception {
    EmbeddedChannel server =
        new EmbeddedChannel(
            new WebSocket08FrameEncoder(false),
            new WebSocketEnvelopeCodec(new EnvelopeParser(NetLimits.defaults())));
    EmbeddedChannel client =
        new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
    for (int length : new int[] {0, 100, 125, 126, 1_000, 65_535, 65_536, 70_000}) {
      ServerMessage m =
          ServerMessage.newBuilder()
              .setRequestId(length + 1)
              .setError(
                  org.quarterdeck.protocol.v1.Error.newBuilder().setMessage("x".repeat(length)))
              .build();
      server.writeOutbound(m);
      ByteBuf bytes = server.readOutbound();
      assertNull(server.readOutbound(), "one buffer per envelope");
      client.writeInbound(bytes);
      BinaryWebSocketFrame frame =
          assertInstanceOf(BinaryWebSocketFrame.class, client.readInbound());
      assertTrue(frame.isFinalFragment());
      assertEquals(m, ServerMessage.parseFrom(ByteBufUtil.getBytes(frame.content())));
      frame.release();
    }
    assertFalse(server.finishAndReleaseAll());
    assertFalse(client.finishAndReleaseAll());
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

  /**
   * An envelope sent with its bytes made leaves as the same frame as the message would, at every
   * length form; a client that writes JSON gets the message printed, not the bytes.
   */
  @Test
  void anEncodedEnvelopeLeavesAsTheFrameOfItsMessage() throws Exception {
    for (int length : new int[] {0, 125, 126, 65_535, 65_536}) {
      ServerMessage m =
          ServerMessage.newBuilder()
              .setError(
                  org.quarterdeck.protocol.v1.Error.newBuilder().setMessage("y".repeat(length)))
              .build();
      channel.writeOutbound(m);
      ByteBuf fromMessage = channel.readOutbound();
      for (ByteString bytes : List.of(m.toByteString(), inPieces(m))) {
        channel.writeOutbound(new EncodedEnvelope(m, bytes));
        ByteBuf fromBytes = channel.readOutbound();
        assertNull(channel.readOutbound(), "one buffer per envelope");
        assertEquals(fromMessage, fromBytes, length + " bytes");
        fromBytes.release();
      }
      fromMessage.release();
    }
    channel.writeInbound(
        new TextWebSocketFrame("{\"requestId\":\"3\",\"ping\":{\"nonce\":\"8\"}}"));
    channel.readInbound();
    channel.writeOutbound(new EncodedEnvelope(PONG, PONG.toByteString()));
    TextWebSocketFrame out = assertInstanceOf(TextWebSocketFrame.class, channel.readOutbound());
    assertEquals("{\"requestId\":\"3\",\"pong\":{\"nonce\":\"8\"}}", out.text());
    out.release();
  }

  /** The TCP encoder writes the same length-prefixed bytes for an envelope and for its bytes. */
  @Test
  void tcpFramesAnEncodedEnvelopeAsItsMessage() {
    EmbeddedChannel tcp = new EmbeddedChannel(new VarintFrameEncoder());
    for (int length : new int[] {0, 127, 128, 16_383, 16_384, 70_000}) {
      ServerMessage m =
          ServerMessage.newBuilder()
              .setError(
                  org.quarterdeck.protocol.v1.Error.newBuilder().setMessage("z".repeat(length)))
              .build();
      tcp.writeOutbound(m);
      ByteBuf fromMessage = tcp.readOutbound();
      for (ByteString bytes : List.of(m.toByteString(), inPieces(m))) {
        tcp.writeOutbound(new EncodedEnvelope(m, bytes));
        ByteBuf fromBytes = tcp.readOutbound();
        assertEquals(fromMessage, fromBytes, length + " bytes");
        fromBytes.release();
      }
      fromMessage.release();
    }
    assertFalse(tcp.finishAndReleaseAll());
  }

  /** The message's bytes as three pieces (as a team's TurnResolved is made around its report). */
  private static ByteString inPieces(ServerMessage m) {
    ByteString whole = m.toByteString();
    int third = whole.size() / 3;
    return whole
        .substring(0, third)
        .concat(whole.substring(third, 2 * third))
        .concat(whole.substring(2 * third));
  }

  @Test
  void badTextBecomesABadFrameNotAnException() {
    channel.writeInbound(new TextWebSocketFrame("{not json"));
    BadFrame bad = assertInstanceOf(BadFrame.class, channel.readInbound());
    assertEquals(WireFormat.JSON, bad.format());
    assertTrue(bad.message().startsWith("not a valid ClientMessage in JSON"));
  }
}

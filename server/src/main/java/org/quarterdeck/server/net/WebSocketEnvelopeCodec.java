package org.quarterdeck.server.net;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import org.quarterdeck.protocol.v1.ServerMessage;

/**
 * Binary frames carry protobuf, text frames the proto3 JSON mapping. Outbound envelopes (a {@link
 * ServerMessage} or an {@link EncodedEnvelope}) use the format of the client's latest frame (binary
 * until the client has sent anything); a binary one leaves as a finished frame in one buffer
 * ({@link #binaryFrame}).
 */
public final class WebSocketEnvelopeCodec extends MessageToMessageCodec<WebSocketFrame, Object> {
  /** FIN set, opcode 2 (binary): every envelope is one unfragmented frame. */
  private static final int FIN_BINARY = 0x82;

  private final EnvelopeParser parser;
  private WireFormat format = WireFormat.BINARY;

  public WebSocketEnvelopeCodec(EnvelopeParser parser) {
    super(WebSocketFrame.class, Object.class);
    this.parser = parser;
  }

  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return EncodedEnvelope.isEnvelope(msg);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
    if (frame instanceof BinaryWebSocketFrame) {
      format = WireFormat.BINARY;
      out.add(parser.parseBinary(frame.content()));
    } else if (frame instanceof TextWebSocketFrame text) {
      format = WireFormat.JSON;
      out.add(parser.parseJson(text.text()));
    }
    // Ping, pong and close frames are handled by Netty's WebSocket protocol handler before here.
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
    if (format == WireFormat.JSON) {
      out.add(new TextWebSocketFrame(EnvelopePrinter.json(EncodedEnvelope.messageOf(msg))));
    } else if (msg instanceof EncodedEnvelope e) {
      out.add(binaryFrame(ctx.alloc(), e.bytes()));
    } else {
      out.add(binaryFrame(ctx.alloc(), (ServerMessage) msg));
    }
  }

  /**
   * A whole binary frame, header and envelope, in one buffer. Netty's frame encoder would copy an
   * envelope under 1 KiB into a second buffer behind the header, or send a larger one as two
   * buffers; a deadline burst sends some 13,000 envelopes at once. A server's frames are never
   * masked (RFC 6455, 5.1), so the header is 2, 4 or 10 bytes; the encoder passes a buffer through.
   */
  static ByteBuf binaryFrame(ByteBufAllocator alloc, ServerMessage msg) {
    ByteBuf frame = frameWithHeader(alloc, msg.getSerializedSize());
    try {
      EnvelopeBytes.write(msg, frame, false);
      return frame;
    } catch (java.io.IOException | RuntimeException e) {
      frame.release();
      throw new io.netty.handler.codec.EncoderException(e);
    }
  }

  /** The same frame for an envelope whose bytes are made: the header, then a copy of them. */
  static ByteBuf binaryFrame(ByteBufAllocator alloc, ByteString envelope) {
    ByteBuf frame = frameWithHeader(alloc, envelope.size());
    try {
      EnvelopeBytes.write(envelope, frame, false);
      return frame;
    } catch (java.io.IOException | RuntimeException e) {
      frame.release();
      throw new io.netty.handler.codec.EncoderException(e);
    }
  }

  /** A buffer for a frame of {@code size} payload bytes, holding its header. */
  private static ByteBuf frameWithHeader(ByteBufAllocator alloc, int size) {
    int header = size < 126 ? 2 : size <= 0xFFFF ? 4 : 10;
    ByteBuf frame = alloc.ioBuffer(header + size);
    frame.writeByte(FIN_BINARY);
    if (size < 126) {
      frame.writeByte(size);
    } else if (size <= 0xFFFF) {
      frame.writeByte(126).writeShort(size);
    } else {
      frame.writeByte(127).writeLong(size);
    }
    return frame;
  }
}

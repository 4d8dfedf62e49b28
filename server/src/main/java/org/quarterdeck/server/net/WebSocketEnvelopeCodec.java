package org.quarterdeck.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import org.quarterdeck.protocol.v1.ServerMessage;

/**
 * Binary frames carry protobuf, text frames the proto3 JSON mapping. Outbound envelopes use the
 * format of the client's latest frame (binary until the client has sent anything).
 */
public final class WebSocketEnvelopeCodec
    extends MessageToMessageCodec<WebSocketFrame, ServerMessage> {
  private final EnvelopeParser parser;
  private WireFormat format = WireFormat.BINARY;

  public WebSocketEnvelopeCodec(EnvelopeParser parser) {
    super(WebSocketFrame.class, ServerMessage.class);
    this.parser = parser;
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
  protected void encode(ChannelHandlerContext ctx, ServerMessage msg, List<Object> out) {
    if (format == WireFormat.JSON) {
      out.add(new TextWebSocketFrame(EnvelopePrinter.json(msg)));
    } else {
      ByteBuf bytes = ctx.alloc().ioBuffer(msg.getSerializedSize());
      try {
        EnvelopeBytes.write(msg, bytes, false);
      } catch (java.io.IOException | RuntimeException e) {
        bytes.release();
        throw new io.netty.handler.codec.EncoderException(e);
      }
      out.add(new BinaryWebSocketFrame(bytes));
    }
  }
}

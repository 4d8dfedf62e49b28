package org.quarterdeck.client.net;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ServerMessage;

/** Codecs between envelopes and WebSocket frames, in binary or JSON. */
public final class ClientCodecs {
  private ClientCodecs() {}

  /** Client envelopes out as binary or text frames; server frames in as envelopes. */
  public static final class WebSocketEnvelopes
      extends MessageToMessageCodec<WebSocketFrame, ClientMessage> {
    private static final JsonFormat.Printer PRINTER =
        JsonFormat.printer().omittingInsignificantWhitespace();
    // Ignore fields a newer server adds, so that old clients keep working.
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final boolean json;

    public WebSocketEnvelopes(boolean json) {
      super(WebSocketFrame.class, ClientMessage.class);
      this.json = json;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ClientMessage msg, List<Object> out)
        throws InvalidProtocolBufferException {
      if (json) {
        out.add(new TextWebSocketFrame(PRINTER.print(msg)));
      } else {
        out.add(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(msg.toByteArray())));
      }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out)
        throws InvalidProtocolBufferException {
      if (frame instanceof BinaryWebSocketFrame) {
        out.add(ServerMessage.parseFrom(ByteBufUtil.getBytes(frame.content())));
      } else if (frame instanceof TextWebSocketFrame text) {
        ServerMessage.Builder builder = ServerMessage.newBuilder();
        PARSER.merge(text.text(), builder);
        out.add(builder.build());
      }
    }
  }
}

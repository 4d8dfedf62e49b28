package org.quarterdeck.client.load;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.util.List;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ServerMessage;

/**
 * Envelopes to WebSocket frames and back, binary or JSON. The binary path reads straight from the
 * frame's buffer, only as far as the generator needs ({@link EnvelopeSkim}), and writes into a
 * pooled buffer, so that the generator's own cost stays small next to the server's; the JSON path
 * uses protobuf's canonical JSON mapping, as a browser page would.
 */
final class LoadCodec extends MessageToMessageCodec<WebSocketFrame, ClientMessage> {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  // A newer server may add fields; the generator must not count them as errors.
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private final boolean json;

  LoadCodec(boolean json) {
    super(WebSocketFrame.class, ClientMessage.class);
    this.json = json;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ClientMessage msg, List<Object> out)
      throws IOException {
    if (json) {
      out.add(new TextWebSocketFrame(PRINTER.print(msg)));
      return;
    }
    out.add(new BinaryWebSocketFrame(serialized(ctx, msg)));
  }

  /** The envelope written straight into a pooled buffer: no {@code byte[]} per message. */
  static ByteBuf serialized(ChannelHandlerContext ctx, MessageLite msg) throws IOException {
    int size = msg.getSerializedSize();
    ByteBuf buf = ctx.alloc().buffer(size);
    try {
      CodedOutputStream coded =
          buf.hasArray()
              ? CodedOutputStream.newInstance(buf.array(), buf.arrayOffset(), size)
              : CodedOutputStream.newInstance(buf.nioBuffer(0, size));
      msg.writeTo(coded);
      coded.checkNoSpaceLeft();
      buf.writerIndex(size);
      return buf;
    } catch (IOException | RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out)
      throws InvalidProtocolBufferException {
    if (frame instanceof BinaryWebSocketFrame) {
      ServerMessage m = EnvelopeSkim.read(frame.content());
      if (m != null) {
        out.add(m);
      }
    } else if (frame instanceof TextWebSocketFrame text) {
      ServerMessage.Builder builder = ServerMessage.newBuilder();
      PARSER.merge(text.text(), builder);
      out.add(builder.build());
    }
  }
}

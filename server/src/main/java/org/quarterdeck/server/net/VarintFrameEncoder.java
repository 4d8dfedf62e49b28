package org.quarterdeck.server.net;

import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;
import org.quarterdeck.protocol.v1.ServerMessage;

/**
 * Writes a server envelope (a {@link ServerMessage} or an {@link EncodedEnvelope}) as {@code
 * varint32 length | protobuf bytes} in one buffer.
 */
@ChannelHandler.Sharable
public final class VarintFrameEncoder extends MessageToByteEncoder<Object> {
  public VarintFrameEncoder() {
    super(Object.class);
  }

  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return EncodedEnvelope.isEnvelope(msg);
  }

  @Override
  protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Object msg, boolean preferDirect) {
    int size =
        msg instanceof EncodedEnvelope e
            ? e.bytes().size()
            : ((ServerMessage) msg).getSerializedSize();
    return ctx.alloc().ioBuffer(CodedOutputStream.computeUInt32SizeNoTag(size) + size);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) throws IOException {
    if (msg instanceof EncodedEnvelope e) {
      EnvelopeBytes.write(e.bytes(), out, true);
    } else {
      EnvelopeBytes.write((ServerMessage) msg, out, true);
    }
  }
}

package org.quarterdeck.server.net;

import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;
import org.quarterdeck.protocol.v1.ServerMessage;

/** Writes a server envelope as {@code varint32 length | protobuf bytes} in one buffer. */
@ChannelHandler.Sharable
public final class VarintFrameEncoder extends MessageToByteEncoder<ServerMessage> {
  public VarintFrameEncoder() {
    super(ServerMessage.class);
  }

  @Override
  protected ByteBuf allocateBuffer(
      ChannelHandlerContext ctx, ServerMessage msg, boolean preferDirect) {
    int size = msg.getSerializedSize();
    return ctx.alloc().ioBuffer(CodedOutputStream.computeUInt32SizeNoTag(size) + size);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ServerMessage msg, ByteBuf out)
      throws IOException {
    EnvelopeBytes.write(msg, out, true);
  }
}

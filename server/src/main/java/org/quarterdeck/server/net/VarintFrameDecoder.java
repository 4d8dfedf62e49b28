package org.quarterdeck.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.quarterdeck.protocol.v1.ErrorCode;

/**
 * Splits a TCP byte stream into frames of {@code varint32 length | body}, refusing any frame longer
 * than the limit before buffering it (Netty's ProtobufVarint32FrameDecoder has no limit). Emits
 * retained {@link ByteBuf} bodies, or one fatal {@link BadFrame} after which it discards
 * everything.
 */
public final class VarintFrameDecoder extends ByteToMessageDecoder {
  private static final int MAX_VARINT32_BYTES = 5;

  private final int maxFrameBytes;
  private boolean failed;

  public VarintFrameDecoder(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!failed && in.isReadable()) {
      int start = in.readerIndex();
      long length = readVarint(in);
      if (length == NEED_MORE) {
        in.readerIndex(start);
        return;
      }
      if (length == MALFORMED) {
        fail(in, out, ErrorCode.INVALID_ARGUMENT, "malformed frame length prefix");
        return;
      }
      if (length > maxFrameBytes) {
        fail(
            in,
            out,
            ErrorCode.TOO_LARGE,
            "frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
        return;
      }
      if (in.readableBytes() < length) {
        in.readerIndex(start);
        return;
      }
      out.add(in.readRetainedSlice((int) length));
    }
    if (failed) {
      in.skipBytes(in.readableBytes());
    }
  }

  private void fail(ByteBuf in, List<Object> out, ErrorCode code, String message) {
    failed = true;
    in.skipBytes(in.readableBytes());
    out.add(new BadFrame(0, code, message, WireFormat.BINARY, true));
  }

  private static final long NEED_MORE = -1;
  private static final long MALFORMED = -2;

  private static long readVarint(ByteBuf in) {
    long value = 0;
    for (int i = 0; i < MAX_VARINT32_BYTES; i++) {
      if (!in.isReadable()) {
        return NEED_MORE;
      }
      byte b = in.readByte();
      value |= (long) (b & 0x7f) << (7 * i);
      if (b >= 0) {
        return value;
      }
    }
    return MALFORMED;
  }
}

package org.quarterdeck.server.net;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Serializes an envelope straight into the outbound buffer: no intermediate {@code byte[]} per
 * message (the binary WebSocket codec used to encode to a heap array and copy it, the TCP encoder
 * to stream through a heap buffer), so what a turn close sends costs no garbage beyond the messages
 * themselves.
 */
final class EnvelopeBytes {
  private EnvelopeBytes() {}

  /** Writes {@code message}, preceded by its varint32 length when {@code delimited}. */
  static void write(MessageLite message, ByteBuf out, boolean delimited) throws IOException {
    int size = message.getSerializedSize();
    int total = size + (delimited ? CodedOutputStream.computeUInt32SizeNoTag(size) : 0);
    out.ensureWritable(total);
    int at = out.writerIndex();
    CodedOutputStream coded =
        out.hasArray()
            ? CodedOutputStream.newInstance(out.array(), out.arrayOffset() + at, total)
            : CodedOutputStream.newInstance(out.nioBuffer(at, total));
    if (delimited) {
      coded.writeUInt32NoTag(size);
    }
    message.writeTo(coded);
    coded.flush();
    out.writerIndex(at + total);
  }
}

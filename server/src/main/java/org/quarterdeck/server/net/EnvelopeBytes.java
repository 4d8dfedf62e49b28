package org.quarterdeck.server.net;

import com.google.protobuf.ByteString;
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

  /**
   * Copies the bytes of an envelope made elsewhere ({@link EncodedEnvelope}) into {@code out},
   * piece by piece when they are made of pieces (a report's bytes inside its TurnResolved).
   */
  static void write(ByteString envelope, ByteBuf out) {
    int size = envelope.size();
    out.ensureWritable(size);
    int at = out.writerIndex();
    envelope.copyTo(out.nioBuffer(at, size));
    out.writerIndex(at + size);
  }

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

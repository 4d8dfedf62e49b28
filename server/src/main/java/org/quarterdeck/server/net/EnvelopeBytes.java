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

  /** Writes {@code message}, preceded by its varint32 length when {@code delimited}. */
  static void write(MessageLite message, ByteBuf out, boolean delimited) throws IOException {
    int size = message.getSerializedSize();
    int at = out.writerIndex();
    CodedOutputStream coded = open(out, size, delimited);
    message.writeTo(coded);
    coded.flush();
    out.writerIndex(at + total(size, delimited));
  }

  /**
   * Writes the bytes of an envelope made elsewhere ({@link EncodedEnvelope}) the same way, piece by
   * piece when they are made of pieces (a report's bytes inside its TurnResolved).
   */
  static void write(ByteString envelope, ByteBuf out, boolean delimited) throws IOException {
    int size = envelope.size();
    int at = out.writerIndex();
    CodedOutputStream coded = open(out, size, delimited);
    coded.writeRawBytes(envelope);
    coded.flush();
    out.writerIndex(at + total(size, delimited));
  }

  private static int total(int size, boolean delimited) {
    return size + (delimited ? CodedOutputStream.computeUInt32SizeNoTag(size) : 0);
  }

  /** A stream over the next {@code size} bytes of {@code out} (and the length before them). */
  private static CodedOutputStream open(ByteBuf out, int size, boolean delimited)
      throws IOException {
    int total = total(size, delimited);
    out.ensureWritable(total);
    int at = out.writerIndex();
    CodedOutputStream coded =
        out.hasArray()
            ? CodedOutputStream.newInstance(out.array(), out.arrayOffset() + at, total)
            : CodedOutputStream.newInstance(out.nioBuffer(at, total));
    if (delimited) {
      coded.writeUInt32NoTag(size);
    }
    return coded;
  }
}

package org.quarterdeck.server.store;

import static org.quarterdeck.server.store.RecordCodec.FILE_HEADER_BYTES;
import static org.quarterdeck.server.store.RecordCodec.FRAME_HEADER_BYTES;
import static org.quarterdeck.server.store.RecordCodec.MAX_PAYLOAD_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.quarterdeck.server.store.LogReadResult.Corruption;
import org.quarterdeck.server.store.LogReadResult.TornTail;

/**
 * Reads a log file and sorts what it finds into valid records, a torn tail or corruption. It never
 * modifies the file.
 *
 * <p>A bad frame is a torn tail when nothing verifiable could follow it: the frame header is
 * incomplete, the (verified) length runs past the end of the file, the payload checksum fails and
 * the frame ends exactly at the end of the file, or every byte from the bad frame to the end of the
 * file is zero. Any other bad frame is corruption: a frame header whose checksum fails, a length
 * above the maximum, or a payload checksum failure with more data after it.
 */
final class LogReader {
  private static final int ZERO_SCAN_CHUNK = 64 * 1024;

  private LogReader() {}

  static LogReadResult read(String sessionId, FileChannel channel) throws IOException {
    long size = channel.size();
    ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_BYTES);
    int headerBytes = readAt(channel, header, 0);
    byte[] expected = RecordCodec.fileHeader();
    if (headerBytes < FILE_HEADER_BYTES) {
      byte[] got = Arrays.copyOf(header.array(), headerBytes);
      if (Arrays.equals(got, Arrays.copyOf(expected, headerBytes))) {
        return new LogReadResult(
            sessionId,
            List.of(),
            0,
            size,
            Optional.of(
                new TornTail(
                    0,
                    headerBytes,
                    "incomplete file header ("
                        + headerBytes
                        + " of "
                        + FILE_HEADER_BYTES
                        + " bytes)")),
            Optional.empty());
      }
      return corrupt(sessionId, List.of(), 0, size, 0, "not a Quarterdeck event log (bad header)");
    }
    if (!Arrays.equals(Arrays.copyOf(header.array(), 4), RecordCodec.MAGIC)) {
      return corrupt(sessionId, List.of(), 0, size, 0, "not a Quarterdeck event log (bad magic)");
    }
    short version = header.getShort(4);
    if (version != RecordCodec.FORMAT_VERSION || header.getShort(6) != 0) {
      return corrupt(
          sessionId,
          List.of(),
          0,
          size,
          0,
          "unsupported log format version " + version + " flags " + header.getShort(6));
    }

    List<byte[]> records = new ArrayList<>();
    ByteBuffer frameHeader = ByteBuffer.allocate(FRAME_HEADER_BYTES);
    long pos = FILE_HEADER_BYTES;
    while (pos < size) {
      long remaining = size - pos;
      if (remaining < FRAME_HEADER_BYTES) {
        return bad(
            sessionId,
            channel,
            records,
            pos,
            size,
            true,
            "incomplete frame header (" + remaining + " bytes)");
      }
      frameHeader.clear();
      readAt(channel, frameHeader, pos);
      int length = frameHeader.getInt(0);
      int payloadCrc = frameHeader.getInt(4);
      if (RecordCodec.headerChecksum(frameHeader.array()) != frameHeader.getInt(8)) {
        return bad(
            sessionId,
            channel,
            records,
            pos,
            size,
            false,
            "frame header checksum mismatch in record " + records.size());
      }
      if (length < 0 || length > MAX_PAYLOAD_BYTES) {
        return bad(
            sessionId,
            channel,
            records,
            pos,
            size,
            false,
            "impossible record length " + Integer.toUnsignedString(length));
      }
      if (FRAME_HEADER_BYTES + (long) length > remaining) {
        return bad(
            sessionId,
            channel,
            records,
            pos,
            size,
            true,
            "incomplete record ("
                + (remaining - FRAME_HEADER_BYTES)
                + " of "
                + length
                + " payload bytes)");
      }
      byte[] payload = new byte[length];
      readAt(channel, ByteBuffer.wrap(payload), pos + FRAME_HEADER_BYTES);
      if (RecordCodec.payloadChecksum(payload) != payloadCrc) {
        boolean last = pos + FRAME_HEADER_BYTES + length == size;
        return bad(
            sessionId,
            channel,
            records,
            pos,
            size,
            last,
            "checksum mismatch in record "
                + records.size()
                + (last ? " (last record)" : " followed by more data"));
      }
      records.add(payload);
      pos += FRAME_HEADER_BYTES + length;
    }
    return new LogReadResult(sessionId, records, pos, size, Optional.empty(), Optional.empty());
  }

  private static LogReadResult bad(
      String sessionId,
      FileChannel channel,
      List<byte[]> records,
      long pos,
      long size,
      boolean tornCandidate,
      String reason)
      throws IOException {
    if (tornCandidate) {
      return new LogReadResult(
          sessionId,
          records,
          pos,
          size,
          Optional.of(new TornTail(pos, size - pos, reason)),
          Optional.empty());
    }
    if (allZero(channel, pos, size)) {
      return new LogReadResult(
          sessionId,
          records,
          pos,
          size,
          Optional.of(new TornTail(pos, size - pos, reason + "; the rest of the file is zeros")),
          Optional.empty());
    }
    return corrupt(sessionId, records, pos, size, pos, reason);
  }

  private static LogReadResult corrupt(
      String sessionId,
      List<byte[]> records,
      long validBytes,
      long size,
      long offset,
      String reason) {
    return new LogReadResult(
        sessionId,
        records,
        validBytes,
        size,
        Optional.empty(),
        Optional.of(new Corruption(offset, records.size(), reason + " at byte " + offset)));
  }

  private static boolean allZero(FileChannel channel, long from, long size) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(ZERO_SCAN_CHUNK);
    for (long pos = from; pos < size; ) {
      chunk.clear();
      chunk.limit((int) Math.min(ZERO_SCAN_CHUNK, size - pos));
      int n = readAt(channel, chunk, pos);
      if (n <= 0) {
        return true;
      }
      for (int i = 0; i < n; i++) {
        if (chunk.get(i) != 0) {
          return false;
        }
      }
      pos += n;
    }
    return true;
  }

  /**
   * Fills {@code buffer} from {@code position} on; returns how many bytes it read (less at EOF).
   */
  static int readAt(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    int total = 0;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }
}

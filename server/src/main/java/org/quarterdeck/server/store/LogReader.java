package org.quarterdeck.server.store;

import static org.quarterdeck.server.store.RecordCodec.FILE_HEADER_BYTES;
import static org.quarterdeck.server.store.RecordCodec.FRAME_HEADER_BYTES;
import static org.quarterdeck.server.store.RecordCodec.MAX_PAYLOAD_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
  /** A log is read into one array: the most a Java array holds, far above any session's log. */
  static final int MAX_LOG_BYTES = Integer.MAX_VALUE - 8;

  /** Bytes asked of the file per read call (the JDK copies through a buffer of this size). */
  private static final int READ_CHUNK = 1 << 20;

  private LogReader() {}

  /**
   * Reads the whole file with a few large reads (not two per record: start-up reads every log),
   * then checks every frame in memory.
   */
  static LogReadResult read(String sessionId, FileChannel channel) throws IOException {
    long fileSize = channel.size();
    if (fileSize > MAX_LOG_BYTES) {
      throw new IOException(
          "the log of session " + sessionId + " holds " + fileSize + " bytes, more than one read");
    }
    byte[] file = new byte[(int) fileSize];
    int size = readFully(channel, file);
    byte[] expected = RecordCodec.fileHeader();
    if (size < FILE_HEADER_BYTES) {
      if (Arrays.equals(Arrays.copyOf(file, size), Arrays.copyOf(expected, size))) {
        return new LogReadResult(
            sessionId,
            List.of(),
            0,
            size,
            Optional.of(
                new TornTail(
                    0,
                    size,
                    "incomplete file header (" + size + " of " + FILE_HEADER_BYTES + " bytes)")),
            Optional.empty());
      }
      return corrupt(sessionId, List.of(), 0, size, 0, "not a Quarterdeck event log (bad header)");
    }
    ByteBuffer view = ByteBuffer.wrap(file);
    if (!Arrays.equals(Arrays.copyOf(file, 4), RecordCodec.MAGIC)) {
      return corrupt(sessionId, List.of(), 0, size, 0, "not a Quarterdeck event log (bad magic)");
    }
    short version = view.getShort(4);
    if (version != RecordCodec.FORMAT_VERSION || view.getShort(6) != 0) {
      return corrupt(
          sessionId,
          List.of(),
          0,
          size,
          0,
          "unsupported log format version " + version + " flags " + view.getShort(6));
    }

    Frames frames = new Frames(file);
    int pos = FILE_HEADER_BYTES;
    while (pos < size) {
      int remaining = size - pos;
      if (remaining < FRAME_HEADER_BYTES) {
        return bad(
            sessionId,
            frames,
            pos,
            size,
            true,
            "incomplete frame header (" + remaining + " bytes)");
      }
      int length = view.getInt(pos);
      int payloadCrc = view.getInt(pos + 4);
      if (RecordCodec.headerChecksum(file, pos) != view.getInt(pos + 8)) {
        return bad(
            sessionId,
            frames,
            pos,
            size,
            false,
            "frame header checksum mismatch in record " + frames.count);
      }
      if (length < 0 || length > MAX_PAYLOAD_BYTES) {
        return bad(
            sessionId,
            frames,
            pos,
            size,
            false,
            "impossible record length " + Integer.toUnsignedString(length));
      }
      if (FRAME_HEADER_BYTES + (long) length > remaining) {
        return bad(
            sessionId,
            frames,
            pos,
            size,
            true,
            "incomplete record ("
                + (remaining - FRAME_HEADER_BYTES)
                + " of "
                + length
                + " payload bytes)");
      }
      int start = pos + FRAME_HEADER_BYTES;
      if (RecordCodec.payloadChecksum(file, start, length) != payloadCrc) {
        boolean last = start + length == size;
        return bad(
            sessionId,
            frames,
            pos,
            size,
            last,
            "checksum mismatch in record "
                + frames.count
                + (last ? " (last record)" : " followed by more data"));
      }
      frames.add(start, start + length);
      pos = start + length;
    }
    return new LogReadResult(
        sessionId, frames.records(), pos, size, Optional.empty(), Optional.empty());
  }

  /** Where each verified record lies in the file's bytes. */
  private static final class Frames {
    final byte[] file;
    int[] starts = new int[64];
    int[] ends = new int[64];
    int count;

    Frames(byte[] file) {
      this.file = file;
    }

    void add(int start, int end) {
      if (count == starts.length) {
        starts = Arrays.copyOf(starts, count * 2);
        ends = Arrays.copyOf(ends, count * 2);
      }
      starts[count] = start;
      ends[count] = end;
      count++;
    }

    LogRecords records() {
      return new LogRecords(file, starts, ends, count);
    }
  }

  private static LogReadResult bad(
      String sessionId, Frames frames, long pos, long size, boolean tornCandidate, String reason) {
    LogRecords records = frames.records();
    if (tornCandidate) {
      return new LogReadResult(
          sessionId,
          records,
          pos,
          size,
          Optional.of(new TornTail(pos, size - pos, reason)),
          Optional.empty());
    }
    if (allZero(frames.file, (int) pos, (int) size)) {
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

  private static boolean allZero(byte[] file, int from, int size) {
    for (int i = from; i < size; i++) {
      if (file[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Fills {@code bytes} from the start of the file; returns how many it read (less at EOF). */
  private static int readFully(FileChannel channel, byte[] bytes) throws IOException {
    int total = 0;
    while (total < bytes.length) {
      int n =
          channel.read(
              ByteBuffer.wrap(bytes, total, Math.min(READ_CHUNK, bytes.length - total)), total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }
}

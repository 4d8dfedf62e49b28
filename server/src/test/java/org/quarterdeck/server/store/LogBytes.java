package org.quarterdeck.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Builds log files byte by byte, independently of the writer, and compares record lists. */
final class LogBytes {
  final byte[] bytes;

  /** Start offset of each frame, then the end of the last one. */
  final long[] boundaries;

  private LogBytes(byte[] bytes, long[] boundaries) {
    this.bytes = bytes;
    this.boundaries = boundaries;
  }

  static LogBytes of(List<byte[]> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(RecordCodec.fileHeader());
    long[] boundaries = new long[records.size() + 1];
    for (int i = 0; i < records.size(); i++) {
      boundaries[i] = out.size();
      out.writeBytes(RecordCodec.encode(records.get(i)));
    }
    boundaries[records.size()] = out.size();
    return new LogBytes(out.toByteArray(), boundaries);
  }

  /** The index of the record whose frame holds byte {@code offset} (offset at least 8). */
  int recordAt(long offset) {
    for (int i = 0; i + 1 < boundaries.length; i++) {
      if (offset < boundaries[i + 1]) {
        return i;
      }
    }
    throw new IllegalArgumentException("offset past the last record: " + offset);
  }

  static LogReadResult read(Path dir, byte[] content) throws IOException {
    Path file = Files.createTempFile(dir, "log", ".qlog");
    try {
      Files.write(file, content);
      try (FileChannel channel = FileChannel.open(file)) {
        return LogReader.read("s", channel);
      }
    } finally {
      Files.delete(file);
    }
  }

  static void assertRecords(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(hex(expected), hex(actual));
  }

  static List<String> hex(List<byte[]> records) {
    List<String> out = new ArrayList<>();
    for (byte[] record : records) {
      out.add(HexFormat.of().formatHex(record));
    }
    return out;
  }
}

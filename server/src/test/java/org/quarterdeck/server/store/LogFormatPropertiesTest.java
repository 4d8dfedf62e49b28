package org.quarterdeck.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.store.LogBytes.assertRecords;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** The file format's invariants, checked on logs built independently of the writer. */
class LogFormatPropertiesTest {
  private static Path dir;

  @BeforeContainer
  static void createDirectory() throws IOException {
    dir = Files.createTempDirectory("qdlog-props");
  }

  @AfterContainer
  static void deleteDirectory() throws IOException {
    Files.deleteIfExists(dir);
  }

  @Property(tries = 300)
  void recordsRoundTrip(@ForAll("records") List<byte[]> records) throws IOException {
    LogBytes log = LogBytes.of(records);
    LogReadResult result = LogBytes.read(dir, log.bytes);
    assertRecords(records, result.records());
    assertEquals(log.bytes.length, result.validBytes());
    assertTrue(result.tornTail().isEmpty());
    assertTrue(result.corruption().isEmpty());
  }

  @Example
  void emptyAndMaximalRecordsRoundTrip() throws IOException {
    byte[] max = new byte[RecordCodec.MAX_PAYLOAD_BYTES];
    new Random(7).nextBytes(max);
    List<byte[]> records = List.of(new byte[0], max, new byte[0]);
    LogReadResult result = LogBytes.read(dir, LogBytes.of(records).bytes);
    assertRecords(records, result.records());
    assertFalse(result.isCorrupt());
  }

  @Example
  void aLengthAboveTheMaximumIsCorruptionNotATornTail() throws IOException {
    byte[] frame = RecordCodec.encode(new byte[] {1, 2, 3});
    // A frame that claims MAX + 1 bytes, with a correct header checksum (only a bug writes this).
    java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(frame);
    header.putInt(0, RecordCodec.MAX_PAYLOAD_BYTES + 1);
    header.putInt(8, RecordCodec.headerChecksum(frame));
    byte[] file = concat(RecordCodec.fileHeader(), frame, RecordCodec.encode(new byte[] {4}));
    LogReadResult result = LogBytes.read(dir, file);
    assertTrue(result.isCorrupt());
    assertTrue(result.corruption().orElseThrow().reason().contains("impossible record length"));
  }

  /**
   * Cutting a log at any byte keeps exactly the records that end at or before the cut, reports a
   * torn tail unless the cut falls on a record boundary, and never reports corruption.
   */
  @Property(tries = 500)
  void truncationRecoversTheLongestValidPrefix(@ForAll("truncatedLogs") Truncated cut)
      throws IOException {
    LogBytes log = cut.log;
    LogReadResult result = LogBytes.read(dir, Arrays.copyOf(log.bytes, cut.offset));

    int whole = 0;
    long validBytes = cut.offset < RecordCodec.FILE_HEADER_BYTES ? 0 : log.boundaries[0];
    while (whole < cut.records.size() && log.boundaries[whole + 1] <= cut.offset) {
      whole++;
      validBytes = log.boundaries[whole];
    }
    assertRecords(cut.records.subList(0, whole), result.records());
    assertEquals(validBytes, result.validBytes());
    assertFalse(result.isCorrupt(), () -> result.corruption().toString());
    assertEquals(cut.offset != validBytes || cut.offset == 0, result.tornTail().isPresent());
  }

  /**
   * A changed byte is always caught: the records before the damaged one come back unchanged, the
   * damaged one and everything after it never do. Damage before the last record is corruption at
   * the damaged frame's offset; damage in the last record may also read as a torn tail.
   */
  @Property(tries = 500)
  void aFlippedByteIsDetectedAndNeverYieldsWrongData(@ForAll("flippedLogs") Flipped flip)
      throws IOException {
    byte[] damaged = flip.log.bytes.clone();
    damaged[flip.offset] ^= flip.mask;
    LogReadResult result = LogBytes.read(dir, damaged);

    if (flip.offset < RecordCodec.FILE_HEADER_BYTES) {
      assertTrue(result.records().isEmpty());
      assertEquals(0, result.corruption().orElseThrow().offset());
      return;
    }
    int damagedRecord = flip.log.recordAt(flip.offset);
    long frameStart = flip.log.boundaries[damagedRecord];
    assertRecords(flip.records.subList(0, damagedRecord), result.records());
    assertEquals(frameStart, result.validBytes());
    if (damagedRecord < flip.records.size() - 1) {
      assertEquals(frameStart, result.corruption().orElseThrow().offset());
      assertEquals(damagedRecord, result.corruption().orElseThrow().sequence());
    } else {
      assertTrue(result.isCorrupt() || result.tornTail().orElseThrow().offset() == frameStart);
    }
  }

  @Provide
  Arbitrary<List<byte[]>> records() {
    Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return payload.list().ofMaxSize(12);
  }

  record Truncated(List<byte[]> records, LogBytes log, int offset) {
    @Override
    public String toString() {
      return records.size() + " records, " + log.bytes.length + " bytes, cut at " + offset;
    }
  }

  @Provide
  Arbitrary<Truncated> truncatedLogs() {
    return records()
        .flatMap(
            records -> {
              LogBytes log = LogBytes.of(records);
              return Arbitraries.integers()
                  .between(0, log.bytes.length)
                  .edgeCases(
                      edges ->
                          edges.includeOnly(0, RecordCodec.FILE_HEADER_BYTES, log.bytes.length))
                  .map(offset -> new Truncated(records, log, offset));
            });
  }

  record Flipped(List<byte[]> records, LogBytes log, int offset, byte mask) {
    @Override
    public String toString() {
      return records.size()
          + " records, "
          + log.bytes.length
          + " bytes, byte "
          + offset
          + " xor "
          + mask;
    }
  }

  @Provide
  Arbitrary<Flipped> flippedLogs() {
    return records()
        .filter(records -> !records.isEmpty())
        .flatMap(
            records -> {
              LogBytes log = LogBytes.of(records);
              return Combinators.combine(
                      Arbitraries.integers().between(0, log.bytes.length - 1),
                      Arbitraries.bytes().filter(b -> b != 0))
                  .as((offset, mask) -> new Flipped(records, log, offset, mask));
            });
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}

package org.quarterdeck.server.store;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk layout: an 8-byte file header, then frames of
 * {@code length (u32 big-endian) | crc (u32 big-endian) | payload}.
 *
 * <p>The CRC32C covers the four length bytes and then the payload. Covering the length means a
 * flipped length bit is caught, and it means an all-zero region (what some file systems leave at
 * the end of a file after a crash) never parses as a valid empty record: CRC32C of four zero bytes
 * is not zero.
 */
final class RecordCodec {
  /** "QDLG": Quarterdeck log. */
  static final byte[] MAGIC = {'Q', 'D', 'L', 'G'};
  static final short FORMAT_VERSION = 1;
  /** Magic (4), format version (u16 big-endian), flags (u16, zero in version 1). */
  static final int FILE_HEADER_BYTES = 8;
  static final int FRAME_HEADER_BYTES = 8;
  static final int MAX_PAYLOAD_BYTES = 1 << 20;
  static final int MAX_FRAME_BYTES = FRAME_HEADER_BYTES + MAX_PAYLOAD_BYTES;

  private RecordCodec() {}

  static byte[] fileHeader() {
    return ByteBuffer.allocate(FILE_HEADER_BYTES)
        .put(MAGIC)
        .putShort(FORMAT_VERSION)
        .putShort((short) 0)
        .array();
  }

  /** The whole frame for a payload; the payload is copied. */
  static byte[] encode(byte[] payload) {
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("payload of " + payload.length + " bytes");
    }
    ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_BYTES + payload.length);
    frame.putInt(payload.length);
    frame.putInt(checksum(payload.length, payload, 0, payload.length));
    frame.put(payload);
    return frame.array();
  }

  static int checksum(int length, byte[] payload, int offset, int count) {
    CRC32C crc = new CRC32C();
    crc.update(length >>> 24);
    crc.update(length >>> 16);
    crc.update(length >>> 8);
    crc.update(length);
    crc.update(payload, offset, count);
    return (int) crc.getValue();
  }
}

package org.quarterdeck.server.store;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk layout: an 8-byte file header, then frames of {@code length (u32) | payload CRC32C
 * (u32) | header CRC32C (u32) | payload}, all big-endian.
 *
 * <p>The header CRC32C covers the eight bytes before it (length and payload CRC), so a reader can
 * trust a length before it uses it: a damaged length in the middle of a log is reported as
 * corruption instead of looking like a record that runs past the end of the file (a torn tail). An
 * all-zero region (what some file systems leave at the end of a file after a crash) never parses as
 * a frame, because CRC32C of eight zero bytes is not zero.
 */
final class RecordCodec {
  /** "QDLG": Quarterdeck log. */
  static final byte[] MAGIC = {'Q', 'D', 'L', 'G'};

  static final short FORMAT_VERSION = 1;

  /** Magic (4), format version (u16 big-endian), flags (u16, zero in version 1). */
  static final int FILE_HEADER_BYTES = 8;

  static final int FRAME_HEADER_BYTES = 12;
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
    frame.putInt(payloadChecksum(payload));
    frame.putInt(headerChecksum(frame.array()));
    frame.put(payload);
    return frame.array();
  }

  static int payloadChecksum(byte[] payload) {
    return payloadChecksum(payload, 0, payload.length);
  }

  /** CRC32C of {@code length} payload bytes from {@code offset} on. */
  static int payloadChecksum(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  /** CRC32C of the first eight bytes of a frame header (length and payload CRC). */
  static int headerChecksum(byte[] frameHeader) {
    return headerChecksum(frameHeader, 0);
  }

  /** CRC32C of the eight bytes (length and payload CRC) of the frame header at {@code offset}. */
  static int headerChecksum(byte[] bytes, int offset) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, 8);
    return (int) crc.getValue();
  }
}

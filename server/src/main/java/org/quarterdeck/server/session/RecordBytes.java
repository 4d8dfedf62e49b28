package org.quarterdeck.server.session;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.quarterdeck.protocol.v1.SessionRecord;

/**
 * Reads what start-up indexes from a stored record's bytes without parsing it: which event it
 * holds, and a string or number field of that event. It answers as parsing the record and reading
 * the field would (the last event field wins, a repeated event message merges, a field of another
 * wire type is unknown), on a walk of the wire format that allocates nothing per field; the rest of
 * the record is parsed when its session is rebuilt.
 */
final class RecordBytes {
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int START_GROUP = 3;
  private static final int END_GROUP = 4;
  private static final int FIXED32 = 5;

  private final ByteString bytes;
  private int pos;

  private RecordBytes(ByteString bytes) {
    this.bytes = bytes;
  }

  /**
   * The field number of the record's event (0: none).
   *
   * @throws InvalidProtocolBufferException when the record's fields cannot be walked
   */
  static int eventField(ByteString record) throws InvalidProtocolBufferException {
    RecordBytes in = new RecordBytes(record);
    int event = 0;
    while (in.pos < record.size()) {
      int tag = in.tag(record.size());
      if (isEvent(tag)) {
        event = tag >>> 3;
      }
      in.skip(tag, record.size());
    }
    return event;
  }

  /**
   * Field {@code field} of the record's event when that is event {@code event} (its field number in
   * {@link SessionRecord}): the bytes of a length-delimited field, or null when the field is not
   * there (or the record holds another event).
   */
  static ByteString eventBytes(ByteString record, int event, int field)
      throws InvalidProtocolBufferException {
    ByteString[] found = {null};
    boolean held =
        eachEventField(
            record,
            event,
            (in, tag, end) -> {
              if (tag >>> 3 == field && (tag & 7) == LENGTH_DELIMITED) {
                int valueEnd = in.limit(end);
                found[0] = record.substring(in.pos, valueEnd);
                in.pos = valueEnd;
              } else {
                in.skip(tag, end);
              }
            });
    return held ? found[0] : null;
  }

  /** The same for a varint field (a number or an enum); {@code absent} when it is not there. */
  static long eventVarint(ByteString record, int event, int field, long absent)
      throws InvalidProtocolBufferException {
    long[] found = {absent};
    boolean held =
        eachEventField(
            record,
            event,
            (in, tag, end) -> {
              if (tag >>> 3 == field && (tag & 7) == VARINT) {
                found[0] = in.varint(end);
              } else {
                in.skip(tag, end);
              }
            });
    return held ? found[0] : absent;
  }

  /** Reads (or skips) one field of an event message, which ends at {@code end}. */
  private interface EventField {
    void read(RecordBytes in, int tag, int end) throws InvalidProtocolBufferException;
  }

  /**
   * Hands every field of every occurrence of event {@code event} to {@code each}, in order (they
   * merge, as when parsing); true when the record holds that event (its last event field).
   */
  private static boolean eachEventField(ByteString record, int event, EventField each)
      throws InvalidProtocolBufferException {
    RecordBytes in = new RecordBytes(record);
    int current = 0;
    while (in.pos < record.size()) {
      int tag = in.tag(record.size());
      if (isEvent(tag)) {
        current = tag >>> 3;
      }
      if (tag >>> 3 == event && (tag & 7) == LENGTH_DELIMITED) {
        int end = in.limit(record.size());
        while (in.pos < end) {
          each.read(in, in.tag(end), end);
        }
      } else {
        in.skip(tag, record.size());
      }
    }
    return current == event;
  }

  /** A string field, decoded as parsing does (invalid UTF-8 does not parse); "" when absent. */
  static String eventString(ByteString record, int event, int field)
      throws InvalidProtocolBufferException {
    ByteString value = eventBytes(record, event, field);
    if (value == null) {
      return "";
    }
    if (!value.isValidUtf8()) {
      throw new InvalidProtocolBufferException("field " + field + " is not valid UTF-8");
    }
    return value.toStringUtf8();
  }

  /** An event field as parsing reads it: a message (another wire type is an unknown field). */
  private static boolean isEvent(int tag) {
    int number = tag >>> 3;
    return (tag & 7) == LENGTH_DELIMITED
        && number != 0
        && SessionRecord.EventCase.forNumber(number) != null;
  }

  private int tag(int end) throws InvalidProtocolBufferException {
    int tag = (int) varint(end); // as parsing reads a tag: its low 32 bits
    if (tag >>> 3 == 0) {
      throw new InvalidProtocolBufferException("field number 0 at byte " + pos);
    }
    return tag;
  }

  /**
   * The end of the length-delimited value whose length comes next, which must end by {@code end};
   * the position is then at the value's start.
   */
  private int limit(int end) throws InvalidProtocolBufferException {
    int length = (int) varint(end); // as parsing reads a length: its low 32 bits
    if (length < 0 || length > end - pos) {
      throw new InvalidProtocolBufferException("a length runs past its message at byte " + pos);
    }
    return pos + length;
  }

  /**
   * A varint of at most ten bytes; the tenth ends it whatever its top bit says (as the parser's
   * fast path reads one).
   */
  private long varint(int end) throws InvalidProtocolBufferException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw new InvalidProtocolBufferException("a number runs past its end at byte " + pos);
      }
      byte b = bytes.byteAt(pos++);
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return value;
      }
    }
    return value;
  }

  /** Skips the value of the field just tagged, which must end by {@code end}. */
  private void skip(int tag, int end) throws InvalidProtocolBufferException {
    switch (tag & 7) {
      case VARINT -> varint(end);
      case FIXED64 -> advance(8, end);
      case LENGTH_DELIMITED -> pos = limit(end);
      case FIXED32 -> advance(4, end);
      case START_GROUP -> {
        while (true) {
          if (pos >= end) {
            throw new InvalidProtocolBufferException("a group does not end");
          }
          int inner = tag(end);
          if ((inner & 7) == END_GROUP) {
            if (inner >>> 3 != tag >>> 3) {
              throw new InvalidProtocolBufferException("a group ends with another's tag");
            }
            return;
          }
          skip(inner, end);
        }
      }
      default ->
          throw new InvalidProtocolBufferException("wire type " + (tag & 7) + " at byte " + pos);
    }
  }

  private void advance(int n, int end) throws InvalidProtocolBufferException {
    if (n > end - pos) {
      throw new InvalidProtocolBufferException("a field runs past its end at byte " + pos);
    }
    pos += n;
  }
}

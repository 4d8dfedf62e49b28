package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.quarterdeck.protocol.v1.SessionRecord;

/**
 * A log read back to rebuild its session, its records checked by the store (checksums verified, a
 * torn tail cut) but parsed only when asked: start-up indexes every session from the few records
 * that name its members and its deadline ({@link #eventCase} tells which those are, {@link
 * #eventString} and {@link #eventNumber} read the names and the deadline, none of them parsing a
 * record), and parses every record when it rebuilds the session ({@link #parsed}).
 */
public final class StoredLog {
  private final int size;
  private final IntFunction<ByteString> payloads;
  private final List<SessionRecord> records;
  private final String problem;
  private final SessionJournal journal;

  private StoredLog(
      int size,
      IntFunction<ByteString> payloads,
      List<SessionRecord> records,
      String problem,
      SessionJournal journal) {
    this.size = size;
    this.payloads = payloads;
    this.records = records;
    this.problem = problem;
    this.journal = journal;
  }

  /** A log whose records are parsed already (the journals that keep records, not bytes). */
  public static StoredLog of(Journals.Stored stored) {
    requireNonNull(stored, "stored");
    return new StoredLog(
        stored.records().size(), null, stored.records(), stored.problem(), stored.journal());
  }

  /**
   * A log of {@code size} records kept as their stored bytes ({@code payload} gives record {@code
   * i}'s); {@code problem} says why it cannot be trusted (then there is no journal), or is null.
   */
  public static StoredLog unparsed(
      int size, IntFunction<ByteString> payload, String problem, SessionJournal journal) {
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, was " + size);
    }
    return new StoredLog(size, requireNonNull(payload, "payload"), null, problem, journal);
  }

  public int size() {
    return size;
  }

  public boolean corrupt() {
    return problem != null;
  }

  public String problem() {
    return problem;
  }

  /**
   * Which event record {@code i} holds, read from its field tags without parsing it (the last event
   * field wins, as when parsing).
   *
   * @throws InvalidProtocolBufferException when the record's fields cannot be walked
   */
  public SessionRecord.EventCase eventCase(int i) throws InvalidProtocolBufferException {
    if (records != null) {
      return records.get(i).getEventCase();
    }
    return SessionRecord.EventCase.forNumber(RecordBytes.eventField(payloads.apply(i)));
  }

  /**
   * String field {@code field} of record {@code i}'s event when it holds {@code event}, as parsing
   * the record would give it ("" when absent), read without parsing the record.
   *
   * @throws InvalidProtocolBufferException when the fields on the way cannot be walked
   */
  public String eventString(int i, SessionRecord.EventCase event, int field)
      throws InvalidProtocolBufferException {
    if (records != null) {
      Object value = parsedField(records.get(i), event, field);
      return value == null ? "" : (String) value;
    }
    return RecordBytes.eventString(payloads.apply(i), event.getNumber(), field);
  }

  /** The same for a number or enum field (its number); 0 when absent. */
  public long eventNumber(int i, SessionRecord.EventCase event, int field)
      throws InvalidProtocolBufferException {
    if (records != null) {
      Object value = parsedField(records.get(i), event, field);
      if (value instanceof com.google.protobuf.Descriptors.EnumValueDescriptor e) {
        return e.getNumber();
      }
      return value == null ? 0 : ((Number) value).longValue();
    }
    return RecordBytes.eventVarint(payloads.apply(i), event.getNumber(), field, 0);
  }

  /** A field of a parsed record's event (the logs whose records are kept parsed), or null. */
  private static Object parsedField(SessionRecord r, SessionRecord.EventCase event, int field) {
    if (r.getEventCase() != event) {
      return null;
    }
    Message message =
        (Message) r.getField(SessionRecord.getDescriptor().findFieldByNumber(event.getNumber()));
    return message.getField(message.getDescriptorForType().findFieldByNumber(field));
  }

  /** Record {@code i}, parsed. */
  public SessionRecord record(int i) throws InvalidProtocolBufferException {
    return records != null ? records.get(i) : SessionRecord.parseFrom(payloads.apply(i));
  }

  /**
   * Every record parsed, with the journal to append after them: the log as {@link Journals#recover}
   * gives it. A record that does not parse ends the list there and is the problem (then there is no
   * journal).
   */
  public Journals.Stored parsed() {
    if (records != null) {
      return new Journals.Stored(records, problem, journal);
    }
    List<SessionRecord> parsed = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      try {
        parsed.add(SessionRecord.parseFrom(payloads.apply(i)));
      } catch (InvalidProtocolBufferException e) {
        return new Journals.Stored(
            parsed, "record " + i + " does not parse: " + e.getMessage(), null);
      }
    }
    return new Journals.Stored(parsed, problem, problem == null ? journal : null);
  }
}

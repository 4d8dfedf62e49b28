package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.quarterdeck.protocol.v1.SessionRecord;

/**
 * A log read back to rebuild its session, its records checked by the store (checksums verified, a
 * torn tail cut) but parsed only when asked: start-up indexes every session from the few records
 * that name its members and its deadline ({@link #eventCase} tells which those are without parsing
 * a record), and parses the rest when it rebuilds the session ({@link #parsed}).
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
    SessionRecord.EventCase found = SessionRecord.EventCase.EVENT_NOT_SET;
    try {
      CodedInputStream in = payloads.apply(i).newCodedInput();
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        SessionRecord.EventCase c =
            SessionRecord.EventCase.forNumber(WireFormat.getTagFieldNumber(tag));
        if (c != null) {
          found = c;
        }
        if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return found;
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

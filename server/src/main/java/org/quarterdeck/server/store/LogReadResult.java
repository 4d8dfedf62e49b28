package org.quarterdeck.server.store;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Optional;

/**
 * What a session's log holds: the records of its longest valid prefix, and whether a torn tail or a
 * corrupt record stopped the reading. Records are returned in append order; record {@code i} has
 * sequence number {@code i}. The byte arrays belong to the caller.
 *
 * @param records the payloads of the valid prefix
 * @param validBytes the file length that holds exactly the header and those records
 * @param fileBytes the file length when it was read
 * @param tornTail set when the file ended in an incomplete or unverifiable last record (or an
 *     incomplete header), which recovery cuts off
 * @param corruption set when a bad record is followed by more data, or the header is wrong: the
 *     session must be quarantined and the file left as it is for inspection
 */
public record LogReadResult(
    String sessionId,
    List<byte[]> records,
    long validBytes,
    long fileBytes,
    Optional<TornTail> tornTail,
    Optional<Corruption> corruption) {

  public LogReadResult {
    requireNonNull(sessionId, "sessionId");
    // the reader's records share the bytes the file was read into (LogRecords copies on get)
    records = records instanceof LogRecords ? records : List.copyOf(records);
    requireNonNull(tornTail, "tornTail");
    requireNonNull(corruption, "corruption");
    if (tornTail.isPresent() && corruption.isPresent()) {
      throw new IllegalArgumentException("a log is either torn or corrupt, not both");
    }
  }

  /**
   * Record {@code i}'s payload without a copy, for parsing: a log read at start is indexed from a
   * few of its records, the rest parsed only when its session is rebuilt.
   */
  public ByteString payload(int i) {
    return records instanceof LogRecords shared
        ? shared.payload(i)
        : ByteString.copyFrom(records.get(i));
  }

  /** True when the log must not be trusted past {@link #validBytes()}: quarantine the session. */
  public boolean isCorrupt() {
    return corruption.isPresent();
  }

  /**
   * The end of the file did not hold a whole, verified record.
   *
   * @param offset where the torn part starts (equal to {@code validBytes})
   * @param discardedBytes how many bytes follow the last good record
   * @param reason what was wrong, for the warning
   */
  public record TornTail(long offset, long discardedBytes, String reason) {
    public TornTail {
      requireNonNull(reason, "reason");
    }
  }

  /**
   * A record in the middle of the log (or the header) failed verification.
   *
   * @param offset the byte offset of the bad frame (or 0 for the header)
   * @param sequence the sequence number the bad record would have had
   * @param reason what was wrong
   */
  public record Corruption(long offset, long sequence, String reason) {
    public Corruption {
      requireNonNull(reason, "reason");
    }
  }
}

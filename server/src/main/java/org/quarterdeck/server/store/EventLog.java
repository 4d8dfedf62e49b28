package org.quarterdeck.server.store;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.MessageLite;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One session's append-only log. Appending never blocks; the returned future completes once the
 * record is as durable as the store's {@link FsyncMode} promises.
 *
 * <p>Futures complete on the store's acknowledgement thread. Hop back to your event loop with
 * {@code log.append(bytes).whenCompleteAsync((sequence, error) -> ..., eventLoop)}.
 *
 * <p>Records are stored in the order of the {@code append} calls that succeed. A failed append
 * (disk full, overloaded) leaves no trace, and later appends may still succeed: a session that must
 * not skip a record appends with {@link #appendAt}, which refuses a record whose predecessor was
 * not stored.
 */
public final class EventLog {
  /** The largest record, in bytes, the store accepts (and reads back). */
  public static final int MAX_RECORD_BYTES = RecordCodec.MAX_PAYLOAD_BYTES;

  private final LogWriter writer;
  private final LogState state;
  private final AtomicBoolean closing = new AtomicBoolean();

  EventLog(LogWriter writer, LogState state) {
    this.writer = writer;
    this.state = state;
  }

  /** The session this log belongs to. */
  public String sessionId() {
    return state.sessionId;
  }

  /**
   * Queues a record and returns at once. The future completes with the record's sequence number (0
   * for the first record of the log) once the record is durable, or fails with a {@link
   * StoreException}: {@link RecordTooLargeException}, {@link StoreOverloadedException} (queue full,
   * refused without waiting), {@link StoreClosedException} or {@link StoreUnavailableException}
   * (disk error). The array is copied; the caller may reuse it.
   */
  public CompletableFuture<Long> append(byte[] record) {
    return appendAt(record, -1);
  }

  /**
   * Like {@link #append(byte[])}, but the record must become record number {@code sequence} of the
   * log (0-based): if an earlier record failed and was cut back, this one fails with {@link
   * StoreUnavailableException} instead of being stored after the gap. A session that numbers its
   * appends this way never has a record stored whose predecessor was lost.
   */
  public CompletableFuture<Long> appendAt(byte[] record, long sequence) {
    requireNonNull(record, "record");
    if (record.length > MAX_RECORD_BYTES) {
      return CompletableFuture.failedFuture(
          new RecordTooLargeException(state.sessionId, record.length));
    }
    if (closing.get()) {
      return CompletableFuture.failedFuture(new StoreClosedException(state.sessionId, "event log"));
    }
    if (!writer.isAccepting()) {
      return CompletableFuture.failedFuture(
          new StoreClosedException(state.sessionId, "event store"));
    }
    CompletableFuture<Long> ack = new CompletableFuture<>();
    LogWriter.Append append =
        new LogWriter.Append(state, RecordCodec.encode(record), ack, sequence);
    if (!writer.offer(append, true)) {
      StoreOptions options = writer.options();
      return CompletableFuture.failedFuture(
          new StoreOverloadedException(
              state.sessionId, options.queueMaxRecords(), options.queueMaxBytes()));
    }
    return ack;
  }

  /** Appends a protobuf message's encoding; see {@link #append(byte[])}. */
  public CompletableFuture<Long> append(MessageLite record) {
    requireNonNull(record, "record");
    return append(record.toByteArray());
  }

  /**
   * Stops taking appends, lets those already queued finish, fsyncs and closes the file. Never
   * blocks; the future completes when the file is closed.
   */
  public CompletableFuture<Void> close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!closing.compareAndSet(false, true)) {
      done.complete(null);
      return done;
    }
    writer.offer(new LogWriter.CloseLog(state, done), false);
    return done;
  }

  @Override
  public String toString() {
    return "EventLog[" + state.sessionId + "]";
  }
}

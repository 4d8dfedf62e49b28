package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.Errors;

/**
 * A session's outgoing messages, each held back until every record the session wrote before it is
 * durable: nobody hears of a decision, a resolution or an ending that a crash could undo. Messages
 * leave in the order they were sent.
 *
 * <p>An answer says exactly what is durable. The journal stores records in order and refuses a
 * record whose predecessor failed, so what is durable is always a prefix of what was appended. A
 * message that needs only records of that prefix is delivered as it is, even after a later record
 * failed; a reply that needs a record that was not stored becomes UNAVAILABLE ("nothing changed"),
 * and such a push is dropped (the rebuilt session sends a fresh snapshot). Once every record in
 * flight has settled after a failure, {@code onFailure} rebuilds the session from what is durable.
 */
final class Outbox {
  private final Executor sessionThread;
  private final ArrayDeque<Held> held = new ArrayDeque<>();

  /** Settled records past the durable prefix, by number: true = stored, false = failed. */
  private final Map<Long, Boolean> settled = new HashMap<>();

  private Runnable onFailure = () -> {};
  private long appended;
  private long durable;
  private long firstFailed = Long.MAX_VALUE;
  private Throwable failure;
  private int inFlight;
  private boolean failureHandled;

  /**
   * A message (with its bytes when they are made, else null) and the number of records that must be
   * durable before it may leave.
   */
  private record Held(
      Connection connection,
      ServerMessage message,
      ByteString encoded,
      Goodbye.Reason closing,
      long needs) {}

  Outbox(Executor sessionThread) {
    this.sessionThread = requireNonNull(sessionThread, "sessionThread");
  }

  void onFailure(Runnable action) {
    this.onFailure = requireNonNull(action, "action");
  }

  /**
   * A record was appended (it is record number {@link #appended()} - 1 of this outbox); later
   * messages wait until it is durable.
   */
  void recorded(CompletableFuture<Void> written) {
    long number = appended++;
    if (written.isDone() && !written.isCompletedExceptionally()) {
      settle(number, null);
      return;
    }
    inFlight++;
    written.whenCompleteAsync(
        (ok, error) -> {
          inFlight--;
          settle(number, error);
        },
        sessionThread);
  }

  /** Records appended through this outbox so far. */
  long appended() {
    return appended;
  }

  /** Records known to be durable (a prefix of the appended ones). */
  long durable() {
    return durable;
  }

  /** True once a record of this session failed to be stored. */
  boolean failed() {
    return firstFailed != Long.MAX_VALUE;
  }

  private void settle(long number, Throwable error) {
    if (error != null && number < firstFailed) {
      firstFailed = number;
      failure = error;
    }
    if (error == null && number == durable && settled.isEmpty()) {
      durable++; // the next record in order, nothing settled out of order: no map (and no boxing)
      drain();
      return;
    }
    settled.put(number, error == null);
    while (Boolean.TRUE.equals(settled.get(durable))) {
      settled.remove(durable);
      durable++;
    }
    drain();
  }

  void send(Connection connection, ServerMessage message) {
    send(connection, message, null);
  }

  /** As {@link #send(Connection, ServerMessage)}, with the message's bytes when they are made. */
  void send(Connection connection, ServerMessage message, ByteString encoded) {
    if (held.isEmpty() && durable >= appended) {
      deliver(connection, message, encoded); // nothing waits, every record is durable: at once
      return;
    }
    hold(new Held(connection, message, encoded, null, appended));
  }

  void close(Connection connection, Goodbye.Reason reason, String text) {
    hold(
        new Held(
            connection,
            ServerMessage.newBuilder()
                .setGoodbye(Goodbye.newBuilder().setReason(reason).setMessage(text))
                .build(),
            null,
            reason,
            appended));
  }

  private void hold(Held h) {
    held.add(h);
    drain();
  }

  private void drain() {
    while (!held.isEmpty()) {
      Held h = held.peek();
      if (durable >= h.needs()) {
        deliver(held.poll());
      } else if (firstFailed < h.needs()) {
        held.poll();
        refuse(h);
      } else {
        break;
      }
    }
    if (failed() && inFlight == 0 && !failureHandled) {
      failureHandled = true;
      onFailure.run();
    }
  }

  private void refuse(Held h) {
    long requestId = h.message().getRequestId();
    if (requestId != 0 && !h.message().hasError()) {
      h.connection()
          .send(
              Errors.reply(
                  requestId,
                  ErrorCode.UNAVAILABLE,
                  "the server could not save this ("
                      + rootMessage(failure)
                      + "); nothing changed, try again",
                  1000));
    } else if (h.message().hasError()) {
      h.connection().send(h.message()); // a refusal changed nothing either way
    }
  }

  private static void deliver(Held h) {
    if (h.closing() != null) {
      h.connection().close(h.closing(), h.message().getGoodbye().getMessage());
    } else {
      deliver(h.connection(), h.message(), h.encoded());
    }
  }

  private static void deliver(Connection connection, ServerMessage message, ByteString encoded) {
    if (encoded == null) {
      connection.send(message);
    } else {
      connection.send(message, encoded);
    }
  }

  private static String rootMessage(Throwable t) {
    if (t == null) {
      return "a storage failure";
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}

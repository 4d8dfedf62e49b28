package org.quarterdeck.server.session;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.Errors;

/**
 * A session's outgoing messages, held back until every record the session wrote before them is
 * durable: nobody hears of a decision, a resolution or an ending that a crash could undo.
 * Messages leave in the order they were sent. If a record cannot be written, the held messages
 * are not sent: replies become UNAVAILABLE errors, and {@code onFailure} rebuilds the session
 * from what is durable.
 */
final class Outbox {
  private final Executor sessionThread;
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private Runnable onFailure = () -> { };
  private int inFlight;
  private Throwable failure;

  private record Held(Connection connection, ServerMessage message, Goodbye.Reason closing) {}

  Outbox(Executor sessionThread) {
    this.sessionThread = sessionThread;
  }

  void onFailure(Runnable action) {
    this.onFailure = action;
  }

  /** A record was appended; later messages wait until it is durable. */
  void recorded(CompletableFuture<Void> written) {
    if (written.isDone() && !written.isCompletedExceptionally() && inFlight == 0) {
      return;
    }
    inFlight++;
    written.whenCompleteAsync((ok, error) -> {
      inFlight--;
      if (error != null && failure == null) {
        failure = error;
      }
      drain();
    }, sessionThread);
  }

  void send(Connection connection, ServerMessage message) {
    hold(new Held(connection, message, null));
  }

  void close(Connection connection, Goodbye.Reason reason, String text) {
    hold(new Held(connection, ServerMessage.newBuilder().setGoodbye(Goodbye.newBuilder()
        .setReason(reason).setMessage(text)).build(), reason));
  }

  private void hold(Held h) {
    if (inFlight == 0 && held.isEmpty()) {
      deliver(h);
    } else {
      held.add(h);
    }
  }

  private void drain() {
    if (inFlight > 0) {
      return;
    }
    if (failure == null) {
      while (!held.isEmpty()) {
        deliver(held.poll());
      }
      return;
    }
    String reason = "the server could not save this (" + rootMessage(failure)
        + "); nothing changed, try again";
    failure = null;
    while (!held.isEmpty()) {
      Held h = held.poll();
      if (h.message().getRequestId() != 0) {
        h.connection().send(Errors.reply(h.message().getRequestId(), ErrorCode.UNAVAILABLE,
            reason, 1000));
      }
    }
    onFailure.run();
  }

  private static void deliver(Held h) {
    if (h.closing() != null) {
      h.connection().close(h.closing(), h.message().getGoodbye().getMessage());
    } else {
      h.connection().send(h.message());
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}

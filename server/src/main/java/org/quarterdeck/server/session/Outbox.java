package org.quarterdeck.server.session;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.server.net.Connection;

/**
 * A session's outgoing messages, held back until every record the session wrote before them is
 * durable: nobody hears of a decision, a resolution or an ending that a crash could undo.
 * Messages leave in the order they were sent.
 */
final class Outbox {
  private final Executor sessionThread;
  private CompletableFuture<Void> durable = CompletableFuture.completedFuture(null);

  Outbox(Executor sessionThread) {
    this.sessionThread = sessionThread;
  }

  /** A record was appended; later messages wait for it. */
  void recorded(CompletableFuture<Void> written) {
    if (durable.isDone() && written.isDone() && !written.isCompletedExceptionally()) {
      return;
    }
    durable = durable.thenCombine(written, (a, b) -> null);
  }

  void send(Connection connection, ServerMessage message) {
    after(() -> connection.send(message));
  }

  void close(Connection connection, Goodbye.Reason reason, String text) {
    after(() -> connection.close(reason, text));
  }

  private void after(Runnable action) {
    if (durable.isDone() && !durable.isCompletedExceptionally()) {
      action.run();
    } else {
      durable = durable.thenRunAsync(action, sessionThread);
    }
  }
}

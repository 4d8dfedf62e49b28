package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import org.quarterdeck.protocol.v1.SubmissionProgress;

/**
 * The last call: a short window after every player has submitted in which anyone may still revise
 * (the last one to submit included) before the turn resolves. When it passes, {@code onClose} runs
 * on the session's thread, which checks again that everyone has submitted.
 */
final class LastCall {
  private final SessionClock clock;
  private final Runnable onClose;
  private SessionClock.Cancellable timer;
  private long closesAtMs;
  // A cancelled timer may still run once; only the timer of the current generation counts.
  private long generation;

  LastCall(SessionClock clock, Runnable onClose) {
    this.clock = requireNonNull(clock, "clock");
    this.onClose = requireNonNull(onClose, "onClose");
  }

  /** Starts the window {@code millis} from now, unless it already runs. */
  void start(long millis) {
    if (running()) {
      return;
    }
    long mine = ++generation;
    closesAtMs = clock.nowMillis() + millis;
    timer =
        clock.schedule(
            () -> {
              if (mine == generation) {
                cancel();
                onClose.run();
              }
            },
            millis);
  }

  void cancel() {
    generation++;
    closesAtMs = 0;
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  boolean running() {
    return closesAtMs > 0;
  }

  /** Adds when the turn closes to a progress message, while the window runs. */
  void describe(SubmissionProgress.Builder b) {
    if (running()) {
      b.setClosesEpochMs(closesAtMs).setClosesInMs(Math.max(0, closesAtMs - clock.nowMillis()));
    }
  }
}

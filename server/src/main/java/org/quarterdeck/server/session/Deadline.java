package org.quarterdeck.server.session;

import org.quarterdeck.protocol.v1.PhaseChanged;
import org.quarterdeck.protocol.v1.TurnOpened;

/**
 * The open turn's deadline: it runs, pauses (the clock stops), resumes with the time that was left,
 * and can be extended. When it passes, {@code onExpiry} runs on the session's thread.
 */
final class Deadline {
  private final SessionClock clock;
  private final Runnable onExpiry;
  private long deadlineMs;
  private long remainingMs;
  private boolean paused;
  private SessionClock.Cancellable timer;
  private long generation;

  Deadline(SessionClock clock, Runnable onExpiry) {
    this.clock = clock;
    this.onExpiry = onExpiry;
  }

  /** Starts a new deadline {@code millis} from now; 0 means no deadline. */
  void start(long millis) {
    stop();
    paused = false;
    if (millis > 0) {
      deadlineMs = clock.nowMillis() + millis;
      arm();
    }
  }

  void stop() {
    disarm();
    deadlineMs = 0;
    remainingMs = 0;
    paused = false;
  }

  void pause() {
    if (paused) {
      return;
    }
    remainingMs = deadlineMs == 0 ? 0 : Math.max(0, deadlineMs - clock.nowMillis());
    disarm();
    paused = true;
  }

  void resume() {
    if (!paused) {
      return;
    }
    paused = false;
    if (remainingMs > 0) {
      deadlineMs = clock.nowMillis() + remainingMs;
      remainingMs = 0;
      arm();
    } else {
      deadlineMs = 0;
    }
  }

  /** Adds time; a turn without a deadline gets one {@code millis} from now. */
  void extend(long millis) {
    if (paused) {
      remainingMs += millis;
      return;
    }
    deadlineMs = (deadlineMs == 0 ? clock.nowMillis() : deadlineMs) + millis;
    disarm();
    arm();
  }

  /**
   * Runs the deadline until an absolute time (a past one expires at once): a deadline restored from
   * the log, or one the facilitator set by clock time.
   */
  void runUntil(long epochMs) {
    disarm();
    paused = false;
    remainingMs = 0;
    deadlineMs = epochMs;
    if (epochMs > 0) {
      arm();
    }
  }

  /** Restores a paused clock with the time that was left. */
  void restorePaused(long remaining) {
    disarm();
    paused = true;
    deadlineMs = 0;
    remainingMs = remaining;
  }

  boolean running() {
    return deadlineMs > 0 && !paused;
  }

  boolean paused() {
    return paused;
  }

  /** The deadline in epoch ms while it runs, else 0. */
  long deadlineMs() {
    return paused ? 0 : deadlineMs;
  }

  long remainingMs() {
    if (paused) {
      return remainingMs;
    }
    return deadlineMs == 0 ? 0 : Math.max(0, deadlineMs - clock.nowMillis());
  }

  void describe(TurnOpened.Builder b) {
    b.setDeadlineEpochMs(deadlineMs()).setRemainingMs(remainingMs()).setPaused(paused);
  }

  void describe(PhaseChanged.Builder b) {
    b.setDeadlineEpochMs(deadlineMs()).setRemainingMs(remainingMs());
  }

  private void arm() {
    long mine = ++generation;
    timer =
        clock.schedule(
            () -> {
              if (mine == generation && running()) {
                disarm();
                onExpiry.run();
              }
            },
            Math.max(0, deadlineMs - clock.nowMillis()));
  }

  private void disarm() {
    generation++;
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}

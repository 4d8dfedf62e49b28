package org.quarterdeck.server.session;

/**
 * Paces the live view pushed to a facilitator. The first change after a quiet spell is pushed at
 * once; changes within {@code intervalMillis} of a push are folded into one push at the end of the
 * interval, built from the state then. A busy session (players revising many times a second) thus
 * costs the facilitator a few views a second instead of one per decision, and the last view always
 * shows the latest state. Runs on the session's thread.
 */
final class LiveViewPushes {
  private final SessionClock clock;
  private final long intervalMillis;
  private final Runnable push;
  private boolean pushedOnce;
  private long lastPushMillis;
  private boolean pending;

  LiveViewPushes(SessionClock clock, long intervalMillis, Runnable push) {
    this.clock = clock;
    this.intervalMillis = intervalMillis;
    this.push = push;
  }

  /** Something a live view shows has changed. */
  void changed() {
    if (pending) {
      return;
    }
    long now = clock.nowMillis();
    long due = pushedOnce ? lastPushMillis + intervalMillis : now;
    if (now >= due) {
      pushNow(now);
      return;
    }
    pending = true;
    clock.schedule(
        () -> {
          pending = false;
          pushNow(clock.nowMillis());
        },
        due - now);
  }

  private void pushNow(long now) {
    pushedOnce = true;
    lastPushMillis = now;
    push.run();
  }
}

package org.quarterdeck.server.session;

import java.util.PriorityQueue;

/**
 * A session thread for tests: tasks run at once on the caller's thread, and time moves only when
 * the test advances it, running due timers in order.
 */
final class ManualThread implements SessionManager.SessionThread, SessionClock {
  private long now = 1_700_000_000_000L;
  private long sequence;
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();

  private final class Timer implements Comparable<Timer>, Cancellable {
    final long due;
    final long order = sequence++;
    final Runnable task;
    boolean cancelled;

    Timer(long due, Runnable task) {
      this.due = due;
      this.task = task;
    }

    @Override
    public int compareTo(Timer o) {
      return due != o.due ? Long.compare(due, o.due) : Long.compare(order, o.order);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private final java.util.ArrayDeque<Runnable> queued = new java.util.ArrayDeque<>();
  private boolean running;

  /** Runs at once, unless a task is already running: then after it, as an event loop would. */
  @Override
  public void execute(Runnable command) {
    if (running) {
      queued.add(command);
      return;
    }
    running = true;
    try {
      command.run();
      Runnable next;
      while ((next = queued.poll()) != null) {
        next.run();
      }
    } finally {
      running = false;
    }
  }

  @Override
  public SessionClock clock() {
    return this;
  }

  @Override
  public boolean inThread() {
    return true;
  }

  @Override
  public long nowMillis() {
    return now;
  }

  @Override
  public Cancellable schedule(Runnable task, long delayMillis) {
    Timer t = new Timer(now + Math.max(0, delayMillis), task);
    timers.add(t);
    return t;
  }

  void advanceSeconds(long seconds) {
    long until = now + seconds * 1000;
    while (!timers.isEmpty() && timers.peek().due <= until) {
      Timer t = timers.poll();
      now = t.due;
      if (!t.cancelled) {
        execute(t.task);
      }
    }
    now = until;
  }
}

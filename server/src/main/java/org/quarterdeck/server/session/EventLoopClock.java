package org.quarterdeck.server.session;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The production clock: system time, tasks scheduled on the session's event loop. */
final class EventLoopClock implements SessionClock {
  private final EventLoop loop;

  EventLoopClock(EventLoop loop) {
    this.loop = loop;
  }

  @Override
  public long nowMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public Cancellable schedule(Runnable task, long delayMillis) {
    ScheduledFuture<?> f = loop.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }
}

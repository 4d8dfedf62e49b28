package org.quarterdeck.server.session;

import io.netty.channel.EventLoop;

/** A session pinned to one Netty event loop: its commands and timers all run there. */
public final class EventLoopSessionThread implements SessionManager.SessionThread {
  private final EventLoop loop;
  private final SessionClock clock;

  public EventLoopSessionThread(EventLoop loop) {
    this.loop = loop;
    this.clock = new EventLoopClock(loop);
  }

  @Override
  public void execute(Runnable command) {
    loop.execute(command);
  }

  @Override
  public SessionClock clock() {
    return clock;
  }

  @Override
  public boolean inThread() {
    return loop.inEventLoop();
  }
}

package org.quarterdeck.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The time a new connection has to show what comes first on it (a PROXY header, or its first bytes
 * when a header may or may not come), kept by the handler that holds the connection back until then
 * ({@link ProxyHeaderReader}, {@link PeerProxyHeader}). Used on the connection's event loop only.
 */
final class HeaderDeadline {
  private final long timeoutNanos;
  private ScheduledFuture<?> timer;
  private boolean met;

  HeaderDeadline(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  /** Starts the clock: {@code missed} runs on the connection's loop unless {@link #meet} first. */
  void start(ChannelHandlerContext ctx, Runnable missed) {
    timer =
        ctx.executor()
            .schedule(
                () -> {
                  if (!met) {
                    missed.run();
                  }
                },
                timeoutNanos,
                TimeUnit.NANOSECONDS);
  }

  /** The connection has shown what it is: the clock stops. */
  void meet() {
    met = true;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  boolean met() {
    return met;
  }
}

package org.quarterdeck.server.session;

import io.netty.channel.EventLoop;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session pinned to one Netty event loop: its commands and timers all run there. The session runs
 * at most {@link #COMMANDS_PER_TURN} commands per turn of its loop, in the order they came; the
 * rest wait for the loop's next turn, after it has read its sockets (a player's Ping on the same
 * loop is answered in between). Without it a flood of requests for one session (spectators arriving
 * and leaving), sent from connections on the other loops, piled up in the loop's task queue faster
 * than the session ran them, and every connection of that loop waited for the whole pile: a second
 * and more.
 */
public final class EventLoopSessionThread implements SessionManager.SessionThread {
  private static final Logger log = LoggerFactory.getLogger(EventLoopSessionThread.class);

  /** Commands a session runs per turn of its event loop. */
  static final int COMMANDS_PER_TURN = 8;

  private final EventLoop loop;
  private final SessionClock clock;
  private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean runDue = new AtomicBoolean();

  public EventLoopSessionThread(EventLoop loop) {
    this.loop = loop;
    this.clock = new EventLoopClock(loop);
  }

  @Override
  public void execute(Runnable command) {
    waiting.add(command);
    if (runDue.compareAndSet(false, true)) {
      loop.execute(this::runSome); // an idle session runs its command at once
    }
  }

  /** Runs the next few commands; what is left waits for the loop's next turn. */
  private void runSome() {
    try {
      for (int n = 0; n < COMMANDS_PER_TURN; n++) {
        Runnable command = waiting.poll();
        if (command == null) {
          break;
        }
        try {
          command.run();
        } catch (RuntimeException e) {
          log.error("a session command failed", e);
        }
      }
    } finally {
      runRestNextTurn();
    }
  }

  private void runRestNextTurn() {
    if (waiting.isEmpty()) {
      runDue.set(false);
      // a command added between the last poll and the reset found the flag set: run it too
      if (waiting.isEmpty() || !runDue.compareAndSet(false, true)) {
        return;
      }
    }
    // delay 0: due now, but taken up with the tasks after the loop's next reading of sockets
    loop.schedule(this::runSome, 0, TimeUnit.NANOSECONDS);
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

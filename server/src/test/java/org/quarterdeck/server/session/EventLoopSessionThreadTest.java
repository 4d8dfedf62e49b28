package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quarterdeck.server.testing.Await;

/** A session's commands on its event loop: in order, a few per turn of the loop. */
@Timeout(30)
class EventLoopSessionThreadTest {

  /**
   * Twenty commands queued at once run in their order, {@value
   * EventLoopSessionThread#COMMANDS_PER_TURN} per turn: a task queued on the loop after them (a
   * Ping's answer, another session's command) runs after the first eight, not after all twenty.
   */
  @Test
  void aPileOfCommandsRunsAFewATurnWithTheLoopsOtherWorkInBetween() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      EventLoop loop = group.next();
      EventLoopSessionThread thread = new EventLoopSessionThread(loop);
      List<String> ran = Collections.synchronizedList(new ArrayList<>());
      loop.execute(
          () -> {
            for (int i = 0; i < 20; i++) {
              String name = "c" + i;
              thread.execute(() -> ran.add(name));
            }
            loop.execute(() -> ran.add("other"));
          });
      Await.until("all ran", Duration.ofSeconds(10), () -> ran.size() == 21);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        if (i == EventLoopSessionThread.COMMANDS_PER_TURN) {
          expected.add("other");
        }
        expected.add("c" + i);
      }
      assertEquals(expected, ran);
      // an idle session runs a new command at once, and a failing one does not stop the next
      List<String> later = Collections.synchronizedList(new ArrayList<>());
      thread.execute(
          () -> {
            throw new IllegalStateException("a command's bug");
          });
      thread.execute(() -> later.add("next"));
      Await.until("the next command ran", Duration.ofSeconds(10), () -> later.size() == 1);
    } finally {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
  }
}

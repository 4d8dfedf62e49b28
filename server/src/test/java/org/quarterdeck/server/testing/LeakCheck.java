package org.quarterdeck.server.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran (or earlier, unnoticed).
 * Registered for every test class through JUnit's extension autodetection (META-INF/services). A
 * buffer is found leaked only once it is garbage collected and a later allocation polls the
 * detector, so this collects garbage and allocates a few times first; a leak found later still
 * fails the next class.
 */
public final class LeakCheck implements AfterAllCallback {
  private static final int ROUNDS = 5;

  @Override
  public void afterAll(ExtensionContext context) {
    check(context.getDisplayName());
  }

  /** Collects garbage, lets the detector look, and throws if it reported any leak. */
  static void check(String when) {
    if (ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.DISABLED) {
      return;
    }
    collect(ROUNDS);
    List<String> leaks = RecordingLeakDetector.drain();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size()
              + " Netty buffer leak(s) reported by the time "
              + when
              + " ended:\n"
              + String.join("\n\n", leaks));
    }
  }

  /** Garbage collection, then allocations that make the detector poll what it collected. */
  static void collect(int rounds) {
    for (int i = 0; i < rounds; i++) {
      System.gc();
      Thread.yield(); // lets the reference handler enqueue what the collection found
      touch(PooledByteBufAllocator.DEFAULT.buffer(1));
      touch(UnpooledByteBufAllocator.DEFAULT.buffer(1));
    }
  }

  private static void touch(ByteBuf buffer) {
    buffer.release();
  }
}

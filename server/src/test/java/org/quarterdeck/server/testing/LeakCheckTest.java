package org.quarterdeck.server.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** The leak check catches a buffer dropped without release (under the build's paranoid level). */
class LeakCheckTest {
  @Test
  void aBufferDroppedWithoutReleaseFailsTheCheck() {
    assumeTrue(
        ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID,
        "the build runs tests with -Dio.netty.leakDetection.level=paranoid");
    RecordingLeakDetector.drain();
    leak();
    // The collector decides when the buffer goes; give it a bounded number of chances.
    for (int i = 0; i < 50 && !RecordingLeakDetector.anyReported(); i++) {
      LeakCheck.collect(1);
    }
    AssertionError failure = assertThrows(AssertionError.class, () -> LeakCheck.check("this test"));
    assertTrue(failure.getMessage().contains("leaked"), failure.getMessage());
  }

  private static void leak() {
    ByteBuf dropped = UnpooledByteBufAllocator.DEFAULT.buffer(16);
    dropped.writeInt(42); // an access record, then no release
  }
}

package org.quarterdeck.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class ServerProbeTest {

  @Test
  void readsAProcesssCpuTimeFromProcAsTheJvmCountsItsOwn() {
    ServerProbe self = new ServerProbe(ProcessHandle.current().pid());
    long before = self.cpuNanos();
    long ownBefore = ServerProbe.ownCpuNanos();
    long spent = spin(300_000_000L); // 0.3 s of this thread's CPU
    long after = self.cpuNanos();
    long ownAfter = ServerProbe.ownCpuNanos();

    assertTrue(before > 0, "read from /proc: " + before);
    assertTrue(ownBefore > 0, "the JVM's own count: " + ownBefore);
    // /proc counts in 10-ms ticks; both see at least the spinning thread's time
    assertTrue(after - before >= spent - 20_000_000L, (after - before) + " < " + spent);
    assertTrue(ownAfter - ownBefore >= spent - 20_000_000L, (ownAfter - ownBefore) + " < " + spent);
  }

  @Test
  void knowsNoCpuTimeWithoutAProcessOrForOneThatIsGone() {
    assertEquals(-1, new ServerProbe(0).cpuNanos());
    assertEquals(-1, new ServerProbe(Long.MAX_VALUE).cpuNanos());
  }

  @Test
  void dividesAStepsCpuTimeByTheDecisionsAccepted() {
    DecisionsRun.CpuPerDecision cpu = DecisionsRun.CpuPerDecision.of(50_000_000L, -1, 1_000);
    assertEquals(50.0, cpu.serverMicros(), 1e-9);
    assertEquals(-1, cpu.generatorMicros());
    assertEquals(-1, DecisionsRun.CpuPerDecision.of(5, 5, 0).serverMicros());
  }

  /** Burns this thread's CPU until it has used {@code nanos}; returns what it used. */
  private static long spin(long nanos) {
    var threads = ManagementFactory.getThreadMXBean();
    long start = threads.getCurrentThreadCpuTime();
    long x = 0;
    while (threads.getCurrentThreadCpuTime() - start < nanos) {
      for (int i = 0; i < 100_000; i++) {
        x += i * 31L ^ x;
      }
    }
    if (x == 42) {
      System.out.print("");
    }
    return threads.getCurrentThreadCpuTime() - start;
  }
}

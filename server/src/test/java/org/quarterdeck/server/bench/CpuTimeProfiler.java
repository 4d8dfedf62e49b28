package org.quarterdeck.server.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation, for a machine shared with other work: JMH's score is wall time, which
 * grows when other processes take the cores, while the CPU time a benchmark thread used does not.
 * {@code cpu.worker.norm} is the CPU time of JMH's worker threads per operation; {@code
 * cpu.process.norm} that of the whole JVM (with garbage collection and the JIT compiler) per
 * operation. Use with {@code -prof org.quarterdeck.server.bench.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long workerBefore;
  private long processBefore;

  @Override
  public String getDescription() {
    return "CPU time per operation: JMH worker threads, and the whole JVM";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    workerBefore = workerCpuNanos();
    processBefore = os.getProcessCpuTime();
  }

  @Override
  public List<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long worker = workerCpuNanos() - workerBefore;
    long process = os.getProcessCpuTime() - processBefore;
    long ops = result.getMetadata() == null ? 0 : result.getMetadata().getAllOps();
    if (ops <= 0) {
      return List.of();
    }
    return List.of(
        new ScalarResult(
            "cpu.worker.norm", (double) worker / ops / 1000.0, "us/op", AggregationPolicy.AVG),
        new ScalarResult(
            "cpu.process.norm", (double) process / ops / 1000.0, "us/op", AggregationPolicy.AVG));
  }

  /** CPU time of every live JMH worker thread (they persist from one iteration to the next). */
  private long workerCpuNanos() {
    long sum = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().contains("jmh-worker")) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        sum += Math.max(0, cpu);
      }
    }
    return sum;
  }
}

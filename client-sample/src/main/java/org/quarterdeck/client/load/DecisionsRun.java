package org.quarterdeck.client.load;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A ladder of open-loop steps against one target (the server or the echo server): each step sends
 * at a fixed rate for a fixed time, waits for the answers, and is "sustained" when nothing failed,
 * the answers kept up (at least 95% of the target rate) and p99 stayed within the bound.
 */
final class DecisionsRun {
  /** One step's outcome. */
  record Step(
      int rate,
      long sent,
      long accepted,
      Map<Stats.ErrorKind, Long> errors,
      Histogram latency,
      double throughput,
      boolean sustained,
      CpuPerDecision cpu) {}

  /**
   * Process CPU time over a step (its sends, its answers and their wait) divided by the decisions
   * accepted, in microseconds; -1 when a process's time is unknown. The figure the two cores' other
   * work disturbs least: latency moves with whoever else runs, CPU per decision much less.
   */
  record CpuPerDecision(double serverMicros, double generatorMicros) {
    static CpuPerDecision of(long serverNanos, long generatorNanos, long accepted) {
      return new CpuPerDecision(micros(serverNanos, accepted), micros(generatorNanos, accepted));
    }

    private static double micros(long nanos, long accepted) {
      return nanos < 0 || accepted == 0 ? -1 : nanos / 1000.0 / accepted;
    }
  }

  private final LoadOptions options;
  private final Stats stats;
  private final PrintStream out;
  private final Texts texts;
  private final ServerProbe target;

  /**
   * @param target the process answering the decisions, for its CPU time (pid 0: not measured)
   */
  DecisionsRun(LoadOptions options, Stats stats, PrintStream out, Texts texts, ServerProbe target) {
    this.texts = requireNonNull(texts, "texts");
    this.target = requireNonNull(target, "target");
    this.options = options;
    this.stats = stats;
    this.out = out;
  }

  /**
   * Runs the warm-up and the listed rates, then, while steps are sustained and {@code extend}
   * holds, up to --ceiling-steps more steps, each {@link #nextCeilingRate} of the previous one.
   * Every listed rate runs; the extra steps stop at the first that is not sustained.
   */
  List<Step> ladder(String name, List<LoadConnection> targets, boolean extend) {
    if (!options.warmup().isZero()) {
      Pacer.run(targets, options.rates().get(0), options.warmup());
      drain();
    }
    List<Integer> rates = new ArrayList<>(options.rates());
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < rates.size(); i++) {
      Step step = step(targets, rates.get(i));
      steps.add(step);
      out.print(
          texts.say(
              "decisions.step",
              name,
              step.rate(),
              step.sent(),
              step.accepted(),
              step.throughput(),
              Percentiles.of(step.latency(), texts),
              Stats.describe(step.errors(), texts),
              step.sustained() ? "" : texts.say("decisions.notSustained")));
      out.print(
          texts.say(
              "decisions.cpu",
              name,
              micros(step.cpu().serverMicros()),
              micros(step.cpu().generatorMicros())));
      out.flush();
      boolean listed = i < options.rates().size();
      if (!step.sustained() && !listed) {
        break; // above the listed rates only to find the ceiling: beyond it the backlog grows
      }
      if (step.sustained()
          && extend
          && i == rates.size() - 1
          && rates.size() < options.rates().size() + options.ceilingSteps()) {
        rates.add(nextCeilingRate(rates.get(i)));
      }
    }
    return steps;
  }

  /**
   * The step after {@code rate} while looking for a ceiling: 1.25 times it. Steps of 1.5 (before
   * December 2026) made a ceiling, and the ratio of two ceilings, jump by half a step: the echo
   * server's was 33,750/s in one run and 50,625/s in the next.
   */
  static int nextCeilingRate(int rate) {
    return rate + Math.max(1, rate / 4);
  }

  static int highestSustained(List<Step> steps) {
    return steps.stream().filter(Step::sustained).mapToInt(Step::rate).max().orElse(0);
  }

  private String micros(double value) {
    return value < 0 ? texts.say("decisions.cpuUnknown") : texts.format("%.1f", value);
  }

  private Step step(List<LoadConnection> targets, int rate) {
    stats.reset();
    long serverCpu = target.cpuNanos();
    long ownCpu = ServerProbe.ownCpuNanos();
    long start = System.nanoTime();
    long scheduled = Pacer.run(targets, rate, options.stepDuration());
    long unanswered = drain();
    Histogram latency = stats.takeInterval();
    long accepted = stats.accepted.sum();
    long serverCpuAfter = target.cpuNanos();
    long ownCpuAfter = ServerProbe.ownCpuNanos();
    CpuPerDecision cpu =
        CpuPerDecision.of(
            serverCpu < 0 || serverCpuAfter < 0 ? -1 : serverCpuAfter - serverCpu,
            ownCpu < 0 || ownCpuAfter < 0 ? -1 : ownCpuAfter - ownCpu,
            accepted);
    if (unanswered > 0) {
      stats.error("error.unanswered", options.timeout().toSeconds(), unanswered);
    }
    double seconds =
        Math.max(options.stepDuration().toNanos(), stats.lastReplyNanos() - start) / 1e9;
    double throughput = accepted / seconds;
    Map<Stats.ErrorKind, Long> errors = stats.errors();
    boolean sustained =
        errors.isEmpty()
            && throughput >= 0.95 * rate
            && latency.getTotalCount() > 0
            && Percentiles.p99Ms(latency) <= options.sustainP99Ms();
    return new Step(rate, scheduled, accepted, errors, latency, throughput, sustained, cpu);
  }

  /** Waits until every decision sent got an answer; returns how many did not in time. */
  private long drain() {
    long deadline = System.nanoTime() + options.timeout().toNanos();
    while (System.nanoTime() < deadline) {
      if (stats.accepted.sum() + stats.errorCount() >= stats.sent.sum()) {
        return 0;
      }
      sleep(Duration.ofMillis(20));
    }
    return Math.max(0, stats.sent.sum() - stats.accepted.sum() - stats.errorCount());
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoadFailure("failure.interrupted");
    }
  }
}

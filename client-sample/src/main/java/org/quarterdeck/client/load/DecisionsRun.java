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
      boolean sustained) {}

  private final LoadOptions options;
  private final Stats stats;
  private final PrintStream out;
  private final Texts texts;

  DecisionsRun(LoadOptions options, Stats stats, PrintStream out, Texts texts) {
    this.texts = requireNonNull(texts, "texts");
    this.options = options;
    this.stats = stats;
    this.out = out;
  }

  /**
   * Runs the warm-up and the listed rates, then, while steps are sustained and {@code extend}
   * holds, up to --ceiling-steps more steps, each 1.5 times the previous rate. Every listed rate
   * runs; the extra steps stop at the first that is not sustained.
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
      out.flush();
      boolean listed = i < options.rates().size();
      if (!step.sustained() && !listed) {
        break; // above the listed rates only to find the ceiling: beyond it the backlog grows
      }
      if (step.sustained()
          && extend
          && i == rates.size() - 1
          && rates.size() < options.rates().size() + options.ceilingSteps()) {
        rates.add(rates.get(i) * 3 / 2);
      }
    }
    return steps;
  }

  static int highestSustained(List<Step> steps) {
    return steps.stream().filter(Step::sustained).mapToInt(Step::rate).max().orElse(0);
  }

  private Step step(List<LoadConnection> targets, int rate) {
    stats.reset();
    long start = System.nanoTime();
    long scheduled = Pacer.run(targets, rate, options.stepDuration());
    long unanswered = drain();
    Histogram latency = stats.takeInterval();
    long accepted = stats.accepted.sum();
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
    return new Step(rate, scheduled, accepted, errors, latency, throughput, sustained);
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

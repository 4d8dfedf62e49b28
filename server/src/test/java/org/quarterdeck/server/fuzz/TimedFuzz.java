package org.quarterdeck.server.fuzz;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import net.jqwik.api.Arbitrary;

/**
 * Runs a fuzz target over values of a jqwik arbitrary for a wall-clock budget (the on-demand run of
 * {@code scripts/fuzz-inputs.sh}), each value under a time limit so that a hang is reported as one
 * instead of stalling the run. CI runs the same targets as bounded jqwik properties.
 */
final class TimedFuzz {
  /** Seconds an on-demand run lasts per target; 0 (the default) skips it in CI. */
  static final long SECONDS = Long.getLong("quarterdeck.fuzz.seconds", 0);

  /** A single input that takes longer than this is a hang. */
  static final long HANG_SECONDS = 10;

  private TimedFuzz() {}

  /** Figures of one run. */
  record Figures(String target, long inputs, long crashes, long hangs, long seconds) {
    @Override
    public String toString() {
      return "fuzz "
          + target
          + ": "
          + inputs
          + " inputs in "
          + seconds
          + " s, "
          + crashes
          + " crashes, "
          + hangs
          + " hangs";
    }
  }

  static <T> Figures run(String target, Arbitrary<T> inputs, Consumer<T> check, long seconds)
      throws InterruptedException {
    ExecutorService worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fuzz-" + target);
              t.setDaemon(true);
              return t;
            });
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    long count = 0;
    long crashes = 0;
    long hangs = 0;
    try {
      var values = inputs.sampleStream().iterator();
      while (System.nanoTime() < deadline) {
        T value = values.next();
        Future<?> done = worker.submit(() -> check.accept(value));
        count++;
        try {
          done.get(HANG_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof FuzzTargets.SlowInput) {
            hangs++;
            System.err.println(
                "fuzz "
                    + target
                    + ": hang ("
                    + e.getCause().getMessage()
                    + ") on input "
                    + describe(value));
            continue;
          }
          crashes++;
          System.err.println(
              "fuzz " + target + ": crash on input " + describe(value) + ": " + e.getCause());
          e.getCause().printStackTrace();
        } catch (TimeoutException e) {
          hangs++;
          System.err.println(
              "fuzz " + target + ": hang (> " + HANG_SECONDS + " s) on input " + describe(value));
          done.cancel(true);
          worker.shutdownNow();
          worker = Executors.newSingleThreadExecutor();
        }
      }
    } finally {
      worker.shutdownNow();
    }
    Figures figures =
        new Figures(
            target,
            count,
            crashes,
            hangs,
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
    System.out.println(figures);
    return figures;
  }

  private static String describe(Object value) {
    String s =
        value instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : String.valueOf(value);
    return s.length() > 2000 ? s.substring(0, 2000) + "…(" + s.length() + " chars)" : s;
  }
}

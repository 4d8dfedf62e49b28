package org.quarterdeck.server.engine;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.quarterdeck.server.scenario.ScenarioCatalog;

/**
 * The debrief of an ended 2-team market-year game, which the close that ends a session builds once
 * (its lines for every member's SessionEnded). Run: {@code java -cp "$(cat
 * server/target/test-classpath.txt):server/target/test-classes:server/target/classes"
 * org.openjdk.jmh.Main DebriefBenchmark -prof gc} (after the build step of
 * scripts/bench-turn-close.sh).
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(3)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class DebriefBenchmark {
  private Game ended;

  @Setup
  public void playAGame() throws Exception {
    Game game =
        Game.start(ScenarioCatalog.builtIn("market-year").rules(), 42, List.of("team-1", "team-2"));
    while (!game.isOver()) {
      game = game.resolve(List.of(), List.of()).next();
    }
    ended = game;
  }

  @Benchmark
  public Debrief debrief() {
    return Debrief.of(ended);
  }
}

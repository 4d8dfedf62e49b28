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
 * The engine's part of every decision a player submits ({@link Game#validate}: a session checks
 * each one before it records it), and of every seat a turn close defaults ({@link
 * Game#defaultDecision}), in turn 3 of a 2-team market-year game: a decision that books the seat's
 * default split of its free hours. Run: {@code java -cp "$(cat
 * server/target/test-classpath.txt):server/target/test-classes:server/target/classes"
 * org.openjdk.jmh.Main DecisionBenchmark -prof gc} (after the build step of
 * scripts/bench-turn-close.sh).
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(3)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class DecisionBenchmark {
  private Game game;
  private Seat seat;
  private SeatDecision decision;

  @Setup
  public void openTurnThree() throws Exception {
    game =
        Game.start(ScenarioCatalog.builtIn("market-year").rules(), 42, List.of("team-1", "team-2"));
    for (int t = 1; t < 3; t++) {
      game = game.resolve(List.of(), List.of()).next();
    }
    seat = game.seats().get(0);
    AcceptedDecision split = game.defaultDecision(seat);
    SeatDecision.Builder b = SeatDecision.builder(seat, game.turn());
    for (int a = 0; a < game.rules.acts().size(); a++) {
      if (split.hours(a) > 0) {
        b.hours(game.rules.acts().get(a).id(), split.hours(a));
      }
    }
    decision = b.build();
    if (!game.validate(decision).isAccepted()) {
      throw new IllegalStateException("the benchmark's decision is refused");
    }
  }

  @Benchmark
  public Verdict<AcceptedDecision> validate() {
    return game.validate(decision);
  }

  @Benchmark
  public AcceptedDecision defaultDecision() {
    return game.defaultDecision(seat);
  }
}

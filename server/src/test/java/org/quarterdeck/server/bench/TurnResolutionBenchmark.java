package org.quarterdeck.server.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.quarterdeck.server.bot.BotPlayer;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.bot.Strategy;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.Game;
import org.quarterdeck.server.engine.Rules;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.engine.TurnOutcome;
import org.quarterdeck.server.scenario.ScenarioCatalog;

/**
 * Turn resolution throughput on one thread. JMH's score is whole-session turns per second; multiply
 * by {@code teams} for player-turns per second (one team resolving one turn), which {@code
 * scripts/bench-engine.sh} prints. The game is prepared once for each of the 12 turns of
 * market-year with validated bot decisions, so the measured work is {@link Game#resolve} alone:
 * every team's acts, delayed effects, events, dynamics, adoption, attrition, output, the market
 * pass and (every third turn) the quarter close. Variants add the SHA-256 state hash and building
 * every team's explained report.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TurnResolutionBenchmark {
  @Param({"10", "100", "1000"})
  public int teams;

  private Game[] games;
  private List<List<AcceptedDecision>> decisions;
  private int turn;

  @Setup(Level.Trial)
  public void prepare() throws Exception {
    Rules rules = ScenarioCatalog.builtIn("market-year").rules();
    List<String> ids = new ArrayList<>();
    List<Strategy> bots = new ArrayList<>();
    String[] names = {"balanced", "numbers", "leader", "adaptive", "random", "static:0.3"};
    for (int i = 0; i < teams; i++) {
      ids.add("team-" + i);
      bots.add(Strategies.parse(names[i % names.length]));
    }
    Game g = Game.start(rules, 12345, ids);
    games = new Game[rules.totalTurns()];
    decisions = new ArrayList<>();
    for (int t = 0; t < rules.totalTurns(); t++) {
      games[t] = g;
      List<AcceptedDecision> ds = new ArrayList<>();
      for (Seat seat : g.seats()) {
        ds.add(BotPlayer.decide(g, seat, bots.get(g.team(seat.teamId()).index())));
      }
      decisions.add(ds);
      g = g.resolve(ds, List.of()).next();
    }
  }

  private int nextTurn() {
    int t = turn;
    turn = t + 1 == games.length ? 0 : t + 1;
    return t;
  }

  /** Resolution only (reports stay lazy, no hash). */
  @Benchmark
  public Game resolve() {
    int t = nextTurn();
    return games[t].resolve(decisions.get(t), List.of()).next();
  }

  /** Resolution plus the SHA-256 state hash of the new state. */
  @Benchmark
  public byte[] resolveAndHash() {
    int t = nextTurn();
    return games[t].resolve(decisions.get(t), List.of()).next().stateHash();
  }

  /** Resolution, hash, and every team's explained report (what a live session sends). */
  @Benchmark
  public void resolveHashAndReports(Blackhole bh) {
    int t = nextTurn();
    TurnOutcome o = games[t].resolve(decisions.get(t), List.of());
    bh.consume(o.next().stateHash());
    bh.consume(o.reports());
  }
}

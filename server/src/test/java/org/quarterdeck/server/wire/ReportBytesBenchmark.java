package org.quarterdeck.server.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
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
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.Standing;
import org.quarterdeck.protocol.v1.TeamView;
import org.quarterdeck.protocol.v1.TurnReport;
import org.quarterdeck.protocol.v1.TurnResolved;
import org.quarterdeck.server.engine.Game;
import org.quarterdeck.server.engine.Rules;
import org.quarterdeck.server.engine.TurnOutcome;
import org.quarterdeck.server.scenario.ScenarioCatalog;

/**
 * What a turn close pays, per team, for the two sets of bytes a team's report goes into: the
 * session's report history and the TurnResolved its player's connection writes. In both methods the
 * report is serialized for the history. {@link #envelopeSerializedWhole}: the envelope (report
 * included) is then serialized into a direct buffer, as the codec did. {@link
 * #envelopeMadeAroundTheReport}: the envelope's bytes are made around the report's ({@link
 * TurnReports#envelopeAround}) and copied into the buffer piece by piece, as the codec now does. A
 * market-year report of turn 6; each invocation builds a fresh report and envelope, so no size is
 * memoized beforehand. Run: {@code java -cp "$(cat
 * server/target/test-classpath.txt):server/target/test-classes:server/target/classes"
 * org.openjdk.jmh.Main ReportBytesBenchmark -prof gc} (after the build step of
 * scripts/bench-turn-close.sh).
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(5)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReportBytesBenchmark {
  private TurnReport report;
  private TeamView team;
  private final ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024);

  @Setup
  public void playSixTurns() throws Exception {
    Rules rules = ScenarioCatalog.builtIn("market-year").rules();
    Game game = Game.start(rules, 42, List.of("team-1", "team-2"));
    TurnOutcome outcome = null;
    for (int turn = 0; turn < 6; turn++) {
      outcome = game.resolve(List.of(), List.of());
      game = outcome.next();
    }
    report = new TurnReports().report(outcome, 1).build();
    team =
        TeamView.newBuilder()
            .setName("team-2")
            .addAllVariables(WireMapping.variables(game.teams().get(1)))
            .build();
  }

  @Benchmark
  public ByteString envelopeSerializedWhole() throws IOException {
    TurnReport fresh = report.toBuilder().build();
    ByteString history = fresh.toByteString();
    ServerMessage envelope = envelope(fresh);
    out.clear();
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    envelope.writeTo(coded);
    coded.flush();
    return history;
  }

  @Benchmark
  public ByteString envelopeMadeAroundTheReport() {
    TurnReport fresh = report.toBuilder().build();
    ByteString history = fresh.toByteString();
    ServerMessage envelope = envelope(fresh);
    ByteString bytes = TurnReports.envelopeAround(envelope, history);
    out.clear();
    bytes.copyTo(out);
    return history;
  }

  private ServerMessage envelope(TurnReport fresh) {
    return ServerMessage.newBuilder()
        .setTurnResolved(
            TurnResolved.newBuilder()
                .setTurn(7)
                .setTeam(team.toBuilder().build())
                .setReport(fresh)
                .addStandings(Standing.newBuilder().setTeam(0).setName("team-1").setScore(51.5))
                .addStandings(Standing.newBuilder().setTeam(1).setName("team-2").setScore(49.5))
                .setStateHash("ab".repeat(32)))
        .build();
  }
}

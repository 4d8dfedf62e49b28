package org.quarterdeck.server.session;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.TurnClosed;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.Transport;
import org.slf4j.LoggerFactory;

/**
 * The full turn close as a live session does it when a deadline passes: {@link
 * GameSession#closeTurn} resolves the turn (every seat defaulted), builds and stores each team's
 * report, hashes the new state, appends the TurnClosed and TurnStarted records (serialized, as the
 * event log does), sends TurnResolved and the next TurnOpened to every member (serialized, as the
 * WebSocket codec does), and at the twelfth turn ends the session (scores, debrief). One player per
 * team, so a 2-team session has 2 seats. Run with {@code -prof gc} for the bytes allocated per
 * close and {@code -prof org.quarterdeck.server.bench.CpuTimeProfiler} for the CPU time per close.
 *
 * <p>A game has 12 turns, so sessions are used up. Each invocation closes {@link #CLOSES} turns
 * (ten whole games) in one timed shot, so the number of closes is known in advance and every
 * session a measured shot needs is opened before the measurement starts: JMH's allocation profiler
 * counts everything allocated during an iteration, and opening sessions there would be counted
 * against the closes.
 *
 * <p>Warm-up is 400 shots (48,000 closes). The JIT compiler keeps making the close faster for
 * longer than it first seemed: on a quiet machine (3 December 2026, 2 teams, wall time per close
 * averaged over the forks) about 300 us in the first 50 shots, 115 us in shots 100-150, 73 us in
 * shots 300-400 and 41-43 us in shots 600-800; the CPU per close measured after 100 warm-up shots
 * was 136 us, after 400 46 us (docs/performance.md, "Sixth pass"). 100 shots, this benchmark's
 * default until then, measured code that was still being compiled. 400 is a compromise with the run
 * time at 60 teams: the figure still fell by about a quarter up to 800 shots in that day's runs, so
 * it overstates a fully warm close rather than understating it ({@code -wi 800} for that).
 *
 * <p>Three forks by default: JMH runs each method in JVMs of its own, and one JVM's figure differs
 * from the next one's by up to 1.7x even when no other process held the cores (each compiles the
 * close from its own profile), and by more when others do; one fork per method compares nothing.
 * {@code scripts/bench-turn-close.sh} prints each fork's figure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(3)
@Warmup(iterations = 400)
@Measurement(iterations = 10)
public class TurnCloseBenchmark {
  /** Turns of a market-year game: its last close also ends the session. */
  static final int TURNS = 12;

  /** Whole games per invocation. */
  static final int GAMES = 10;

  /** Turn closes per invocation of {@link #closeTurns}: ten games of market-year. */
  static final int CLOSES = GAMES * TURNS;

  @Param({"2", "10", "60"})
  public int teams;

  private final ArrayDeque<GameSession> ready = new ArrayDeque<>();
  private GameSession current;
  private int warmUpsLeft;
  private int measuredGames;

  @Setup(Level.Trial)
  public void openSessions(BenchmarkParams params) {
    // a line per session opened would drown JMH's output
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.quarterdeck"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    GameSession probe = open();
    if (probe.turnsPlanned() != TURNS) {
      throw new IllegalStateException("market-year has " + probe.turnsPlanned() + " turns");
    }
    ready.add(probe);
    warmUpsLeft = params.getWarmup().getCount();
    measuredGames =
        GAMES
            * params.getMeasurement().getCount()
            * StrictMath.max(1, params.getMeasurement().getBatchSize());
    if (warmUpsLeft == 0) {
      fill(measuredGames + 1);
    }
  }

  /**
   * Opens the sessions of a warm-up shot just before it (JMH counts what they allocate against the
   * warm-up, which is not reported), and before the last one those of every measured shot, so that
   * no measured shot opens a session. Warm-up needs many shots (see {@code @Warmup}), and opening
   * all their sessions up front would hold a thousand 60-team sessions in the heap.
   */
  @Setup(Level.Iteration)
  public void openSessionsOfShot(IterationParams iteration) {
    if (iteration.getType() != IterationType.WARMUP) {
      return;
    }
    fill(GAMES + 1);
    if (--warmUpsLeft == 0) {
      fill(GAMES + 1 + measuredGames);
    }
  }

  private void fill(int sessions) {
    while (ready.size() < sessions) {
      ready.add(open());
    }
  }

  /** {@link #CLOSES} turn closes; the last turn of each game also ends its session. */
  @Benchmark
  @OperationsPerInvocation(CLOSES)
  public int closeTurns() {
    int turnSum = 0;
    for (int i = 0; i < CLOSES; i++) {
      GameSession s = current;
      if (s == null || s.phase() == Phase.ENDED) {
        s = ready.remove(); // sized in the setup: running dry is a bug of this benchmark
        current = s;
      }
      close(s);
      turnSum += s.game().turn();
    }
    return turnSum;
  }

  /**
   * The first eleven closes of each of {@link #GAMES} games, without the twelfth that also ends the
   * session (final scores, debrief, SessionEnded): set against {@link #closeTurns}, it shows what
   * the ending close costs.
   */
  @Benchmark
  @OperationsPerInvocation(GAMES * (TURNS - 1))
  public int closeTurnsBeforeTheEnd() {
    int turnSum = 0;
    for (int g = 0; g < GAMES; g++) {
      GameSession s = ready.remove(); // each game from its first turn; its last is never closed
      for (int t = 1; t < TURNS; t++) {
        close(s);
        turnSum += s.game().turn();
      }
    }
    return turnSum;
  }

  /**
   * One close, compiled on its own as a server's deadline timer calls it. Inlined into the
   * benchmark's loop, which runs once per shot and so is compiled on-stack-replacement early in the
   * warm-up, the close was compiled with the profile of its first few hundred runs, which differs
   * from fork to fork.
   */
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  private static void close(GameSession s) {
    s.closeTurn(TurnClosed.Trigger.DEADLINE);
  }

  /**
   * A started session with one player per team and no deadline, on its own manager, log and thread.
   */
  private GameSession open() {
    SessionSettings.Builder settings = SessionSettings.newBuilder().setTeams(teams).setSeed(42);
    for (int t = 0; t < teams; t++) {
      settings.addBotStrategies(""); // every seat is a person's
    }
    // a thread of its own, as a session has its event loop: a shared one kept every session's
    // cancelled timers and so every session, ended ones too (60 teams ran out of heap in the
    // warm-up)
    ManualThread thread = new ManualThread();
    SessionManager manager =
        new SessionManager(() -> thread, new SerializingJournals(), null, 1, 5);
    BenchConnection facilitator = new BenchConnection();
    manager.handle(
        facilitator,
        ClientMessage.newBuilder()
            .setRequestId(1)
            .setCreateSession(
                CreateSession.newBuilder().setBuiltinScenario("market-year").setSettings(settings))
            .build());
    ServerMessage created = facilitator.reply;
    if (!created.hasSessionCreated()) {
      throw new IllegalStateException("no session: " + created);
    }
    String sessionId = created.getSessionCreated().getSessionId();
    manager.handle(
        facilitator,
        ClientMessage.newBuilder()
            .setRequestId(2)
            .setResume(
                Resume.newBuilder().setToken(created.getSessionCreated().getFacilitatorToken()))
            .build());
    for (int t = 0; t < teams; t++) {
      BenchConnection player = new BenchConnection();
      manager.handle(
          player,
          ClientMessage.newBuilder()
              .setRequestId(3)
              .setJoinSession(
                  JoinSession.newBuilder()
                      .setJoinCode(created.getSessionCreated().getJoinCode())
                      .setDisplayName("player " + t)
                      .setPreferredTeam(t))
              .build());
      if (!player.reply.hasJoined()) {
        throw new IllegalStateException("no seat: " + player.reply);
      }
    }
    manager.handle(
        facilitator,
        ClientMessage.newBuilder()
            .setRequestId(4)
            .setFacilitator(FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()))
            .build());
    GameSession[] session = new GameSession[1];
    manager.onSession(sessionId, s -> session[0] = s).join();
    if (session[0].phase() != Phase.TURN_OPEN) {
      throw new IllegalStateException("session did not start: " + session[0].phase());
    }
    return session[0];
  }

  /**
   * Session logs that take each record's bytes as the event log does, then drop them. The session
   * serializes a record once and hands the journal those bytes ({@link
   * SessionJournal#append(SessionRecord, byte[])}); this journal used to serialize it a second
   * time, which no server does.
   */
  private static final class SerializingJournals implements Journals {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    int bytes;

    @Override
    public SessionJournal create(String sessionId) {
      return new SessionJournal() {
        @Override
        public CompletableFuture<Void> append(SessionRecord record) {
          return append(record, record.toByteArray());
        }

        @Override
        public CompletableFuture<Void> append(SessionRecord record, byte[] serialized) {
          bytes += serialized.length;
          return DONE;
        }
      };
    }

    @Override
    public List<String> sessionIds() {
      return List.of();
    }

    @Override
    public Stored recover(String sessionId) {
      throw new UnsupportedOperationException("a benchmark recovers nothing");
    }

    @Override
    public Stored read(String sessionId) {
      throw new UnsupportedOperationException("a benchmark reads nothing back");
    }
  }

  /**
   * A connection that serializes each message as the WebSocket and TCP codecs do (into a direct
   * buffer, as into the pooled buffer a channel writes), keeping the last reply.
   */
  private static final class BenchConnection implements Connection {
    private static java.nio.ByteBuffer OUT = java.nio.ByteBuffer.allocateDirect(64 * 1024);
    private static long ids;
    private final long id = ++ids;
    ServerMessage reply;
    long bytes;

    @Override
    public long id() {
      return id;
    }

    @Override
    public Transport transport() {
      return Transport.WEBSOCKET;
    }

    @Override
    public void send(ServerMessage message) {
      if (message.getRequestId() != 0) {
        reply = message;
      }
      // as the codecs do (net.EnvelopeBytes): straight into a pooled direct buffer, reused here
      int size = message.getSerializedSize();
      if (OUT.capacity() < size) {
        OUT = java.nio.ByteBuffer.allocateDirect(Math.max(size, OUT.capacity() * 2));
      }
      OUT.clear();
      try {
        com.google.protobuf.CodedOutputStream coded =
            com.google.protobuf.CodedOutputStream.newInstance(OUT);
        message.writeTo(coded);
        coded.flush();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      bytes += OUT.position();
    }

    /** As the binary codecs do with an envelope's bytes: copied into the buffer after a header. */
    @Override
    public void send(ServerMessage message, com.google.protobuf.ByteString encoded) {
      if (OUT.capacity() < encoded.size()) {
        OUT = java.nio.ByteBuffer.allocateDirect(Math.max(encoded.size(), OUT.capacity() * 2));
      }
      OUT.clear();
      encoded.copyTo(OUT); // piece by piece, as net.EnvelopeBytes does
      bytes += OUT.position();
    }

    @Override
    public void close(Goodbye.Reason reason, String message) {}

    @Override
    public boolean handshakeDone() {
      return true;
    }

    @Override
    public void completeHandshake(int protocolVersion) {}

    @Override
    public String remoteAddress() {
      return "127.0.0.1:" + id;
    }
  }
}

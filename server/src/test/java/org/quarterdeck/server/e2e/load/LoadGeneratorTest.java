package org.quarterdeck.server.e2e.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quarterdeck.client.cli.Main;
import org.quarterdeck.client.load.echo.EchoServer;
import org.quarterdeck.server.testing.TestServer;

/**
 * The load generator in a small configuration against a real server and the echo server. It asserts
 * that the generator works (every decision answered, no error, a non-empty histogram), not how fast
 * anything is: speed is the benchmark's business.
 */
class LoadGeneratorTest {
  private static final Pattern SAMPLES = Pattern.compile("\\(n=(\\d+)\\)");

  @RegisterExtension static final TestServer server = TestServer.inMemory();
  private static EchoServer echo;

  @BeforeAll
  static void start() throws Exception {
    echo = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), 1);
  }

  @AfterAll
  static void stop() {
    echo.close();
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run load(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] command = new String[args.length + 1];
    command[0] = "load"; // the client's own command line, as a person would type it
    System.arraycopy(args, 0, command, 1, args.length);
    int code =
        Main.run(
            command,
            InputStream.nullInputStream(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String ws() {
    return server.addresses().webSocketUrl();
  }

  @Test
  void twentyPlayersInFourSessionsReviseDecisionsOpenLoopAndSoDoesTheEcho() {
    Run run =
        load(
            "--server",
            ws(),
            "--echo",
            "ws://127.0.0.1:" + echo.port() + "/ws",
            "--workload",
            "decisions",
            "--players",
            "20",
            "--sessions",
            "4",
            "--rates",
            "40",
            "--step-seconds",
            "2",
            "--warmup-seconds",
            "0",
            "--ceiling-steps",
            "0",
            "--source-addresses",
            "3",
            "--threads",
            "1",
            "--timeout-seconds",
            "30");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("16 submitting, 4 silent, 4 facilitators"), run.out());
    Matcher samples = SAMPLES.matcher(run.out());
    assertTrue(samples.find(), "a server step with a histogram: " + run.out());
    assertEquals(80, Integer.parseInt(samples.group(1)), "every decision accepted: " + run.out());
    assertTrue(samples.find(), "an echo step with a histogram: " + run.out());
    assertEquals(80, Integer.parseInt(samples.group(1)), run.out());
    assertTrue(run.out().contains("errors {}"), run.out());
    // no --server-pid here (the server runs in this JVM): the generator's own CPU only
    assertTrue(
        run.out()
            .matches(
                "(?s).*server CPU per decision accepted: server \\? µs, generator \\d+\\.\\d µs.*"),
        run.out());
    // Whether a step counts as sustained depends on latency, so on how busy the machine is: the
    // test asserts only that both ceilings, and the ratio when the echo has one, are reported.
    assertTrue(
        run.out().matches("(?s).*server: highest sustained rate \\d+ decisions/s.*"), run.out());
    assertTrue(run.out().matches("(?s).*echo: highest sustained rate \\d+ frames/s.*"), run.out());
    assertTrue(
        run.out().contains("echo: highest sustained rate 0 frames/s")
            || run.out().matches("(?s).*ratio: server \\d+ / echo \\d+ = .*"),
        run.out());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "tcp"})
  void decisionsOverJsonTextFramesAndOverTcpAreAllAccepted(String wire) {
    boolean tcp = wire.equals("tcp");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server",
                tcp ? server.tcp().toString() : ws(),
                "--echo",
                "ws://127.0.0.1:" + echo.port() + "/ws",
                "--workload",
                "decisions",
                "--players",
                "12",
                "--sessions",
                "3",
                "--rates",
                "30",
                "--step-seconds",
                "2",
                "--warmup-seconds",
                "1",
                "--ceiling-steps",
                "0",
                "--source-addresses",
                "2",
                "--threads",
                "1",
                "--timeout-seconds",
                "30"));
    if (!tcp) {
      args.add("--json");
    }
    Run run = load(args.toArray(String[]::new));

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(
        run.out().contains(tcp ? "(TCP)" : "(WebSocket JSON)"), "the wire is named: " + run.out());
    assertTrue(run.out().contains("9 submitting, 3 silent, 3 facilitators"), run.out());
    Matcher samples = SAMPLES.matcher(run.out());
    assertTrue(samples.find(), "a server step with a histogram: " + run.out());
    assertEquals(60, Integer.parseInt(samples.group(1)), "every decision accepted: " + run.out());
    assertTrue(run.out().contains("errors {}"), run.out());
    assertTrue(run.out().contains("echo: skipped"), "no binary echo for this wire: " + run.out());
  }

  @Test
  void jsonOverTcpIsAUsageError() {
    Run run = load("--server", server.tcp().toString(), "--json");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--json needs a ws:// server"), run.err());
  }

  @Test
  void sessionsWhoseDeadlinesExpireTogetherAllResolve() {
    Run run =
        load(
            "--server",
            ws(),
            "--workload",
            "deadline",
            "--players",
            "12",
            "--sessions",
            "4",
            "--deadline-seconds",
            "1",
            "--deadline-turns",
            "2",
            "--threads",
            "1",
            "--timeout-seconds",
            "30");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("turn 1: 12 of 12 seats received TurnResolved"), run.out());
    assertTrue(run.out().contains("turn 2: 12 of 12 seats received TurnResolved"), run.out());
    assertTrue(run.out().contains("turn 1: deadlines spread over 0 ms"), run.out());
    assertTrue(run.out().contains("turn 2: deadlines spread over 0 ms"), run.out());
    assertTrue(run.out().contains("(n=12)"), run.out());
  }

  @Test
  void playersHoldTheirConnectionsWithHeartbeats() {
    Run run =
        load(
            "--server",
            ws(),
            "--workload",
            "hold",
            "--players",
            "8",
            "--sessions",
            "2",
            "--hold-seconds",
            "1",
            "--heartbeat-seconds",
            "1",
            "--threads",
            "1",
            "--timeout-seconds",
            "30");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("10 still open"), run.out());
  }

  @Test
  void botsAndPlayersPlayWholeGamesRoundAfterRound() {
    Run run =
        load(
            "--server",
            ws(),
            "--workload",
            "play",
            "--players",
            "4",
            "--sessions",
            "2",
            "--bot-teams",
            "1",
            "--rounds",
            "2",
            "--threads",
            "1",
            "--timeout-seconds",
            "30");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    String out = run.out();
    assertTrue(out.contains("round 2 of 2"), out);
    // each round its own games: two reports, each of 2 sessions whose every game ended
    assertEquals(2, out.split("2 sessions, 4 players: every game ended", -1).length - 1, out);
    assertEquals(2, out.split("play: decisions", -1).length - 1, out);
  }

  @Test
  void aBadFlagIsAUsageError() {
    Run run = load("--server", ws(), "--players", "5", "--sessions", "2");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("multiple of --sessions"), run.err());
  }
}

package org.quarterdeck.server.e2e.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quarterdeck.server.testing.TestServer;

/** {@code bots} fill every seat and play a whole game while a scripted facilitator runs it. */
class BotsCliEndToEndTest {
  @RegisterExtension static final TestServer server = TestServer.inMemory();

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"adaptive", "balanced", "numbers", "leader", "random", "static:0.3"})
  void botsPlayAWholeGameToTheEnd(String strategy) throws Exception {
    // No server bots ("-"): every seat is a client bot, so each turn waits for all of them.
    Terminal f =
        Terminal.start(
            "facilitate",
            "--server",
            server.webSocket().toString(),
            "--create",
            "--teams",
            "3",
            "--bots",
            "-,-,-",
            "--seed",
            "11");
    f.type("wait-players 3", "start", "wait-end", "quit");
    String code = f.await("^  Join code +(\\S+)").group(1);

    Terminal bots =
        Terminal.start(
            "bots",
            "--server",
            server.tcp().toString(),
            "--join",
            code,
            "--count",
            "3",
            "--strategy",
            strategy,
            "--seed",
            "3");
    bots.await("^bot-1 joined team \\d \\(strategy " + Pattern.quote(strategy) + "\\)");
    bots.await("^3 bot\\(s\\) seated");
    f.await("^  ok \\(phase TURN_OPEN, turn 1\\)");
    f.await("^=== Quarter 4 closed ===", Duration.ofSeconds(60));
    f.await("^=== Game over: final scores ===");
    assertEquals(0, bots.exitCode(Duration.ofSeconds(30)));
    assertEquals(0, f.exitCode(Duration.ofSeconds(10)));

    String out = bots.transcript();
    Matcher played =
        Pattern.compile("played (\\d+) turn\\(s\\); final score ([\\d.-]+)").matcher(out);
    int bots2 = 0;
    while (played.find()) {
      assertEquals(12, Integer.parseInt(played.group(1)), out);
      bots2++;
    }
    assertEquals(3, bots2, out);
    assertFalse(out.contains("not accepted"), out);
    assertTrue(f.transcript().contains("Debrief:"), f.transcript());
  }
}

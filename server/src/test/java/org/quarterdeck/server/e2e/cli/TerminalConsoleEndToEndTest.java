package org.quarterdeck.server.e2e.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.jline.builtins.ScreenTerminal;
import org.jline.keymap.KeyMap;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.client.cli.Main;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.testing.TestServer;

/**
 * {@code facilitate} on a pseudo-terminal (a JLine terminal over pipes, typed into key by key, its
 * output rendered by a VT100 screen): Up recalls the last command, and the live view redraws in
 * place at the bottom of the screen instead of scrolling a copy per change.
 */
class TerminalConsoleEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension static final TestServer server = TestServer.inMemory();

  /** The bytes the program wrote to its terminal. */
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();

  private synchronized String output() {
    synchronized (written) {
      return written.toString(StandardCharsets.UTF_8);
    }
  }

  /** The screen a VT100 terminal of this size shows after all the output so far. */
  private String screen() {
    ScreenTerminal screen = new ScreenTerminal(100, 30);
    screen.write(output());
    return screen.toString();
  }

  private void await(String what, Predicate<String> screenHolds) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!screenHolds.test(screen())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the screen never showed " + what + ":\n" + screen());
      }
      Thread.sleep(20); // polls the other thread's output; no timer is waited for
    }
  }

  private void awaitOutput(String what, Predicate<String> outputHolds) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!outputHolds.test(output().replace("\r", ""))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the output never showed " + what + ":\n" + screen());
      }
      Thread.sleep(20); // polls the other thread's output; no timer is waited for
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
      n++;
    }
    return n;
  }

  @Test
  void historyRecallsACommandAndTheLiveViewRedrawsInPlace() throws Exception {
    QuarterdeckClient admin = server.client();
    SessionCreated session =
        server.create(admin, SessionSettings.newBuilder().setTeams(2).setTitle("Pty").build());
    PipedOutputStream keys = new PipedOutputStream();
    InputStream keyboard = new PipedInputStream(keys, 4096);
    PrintStream display =
        new PrintStream(
            new java.io.OutputStream() {
              @Override
              public void write(int b) {
                synchronized (written) {
                  written.write(b);
                }
              }
            },
            true,
            StandardCharsets.UTF_8);
    Terminal terminal =
        TerminalBuilder.builder()
            .system(false)
            .streams(keyboard, display)
            .type("xterm-256color")
            .size(new Size(100, 30))
            .encoding(StandardCharsets.UTF_8)
            .build();
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () ->
                Main.run(
                    new String[] {
                      "facilitate",
                      "--server",
                      server.webSocket().toString(),
                      "--token",
                      session.getFacilitatorToken()
                    },
                    InputStream.nullInputStream(),
                    display,
                    display,
                    Map.of(),
                    terminal));
    await("the prompt", s -> s.contains("facilitator> "));

    // 'live' prints the whole view above the prompt (the status area's header has a legend).
    String printed = "Live: phase LOBBY, turn 1\n";
    keys.write("live\r".getBytes(StandardCharsets.US_ASCII));
    keys.flush();
    awaitOutput("the live view asked for", o -> count(o, printed) == 1);
    String up = KeyMap.key(terminal, InfoCmp.Capability.key_up); // what this terminal's Up sends
    keys.write((up + "\r").getBytes(StandardCharsets.US_ASCII)); // Up recalls 'live'; Enter runs it
    keys.flush();
    awaitOutput("the live view asked for again", o -> count(o, printed) == 2);

    // Two players join and the game starts: each change pushes a live view to the facilitator.
    try (QuarterdeckClient ana = server.client();
        QuarterdeckClient ben = server.client()) {
      ana.join(session.getJoinCode(), "Ana", 0).get(10, SECONDS);
      ben.join(session.getJoinCode(), "Ben", 1).get(10, SECONDS);
      keys.write("start\r".getBytes(StandardCharsets.US_ASCII));
      keys.flush();
      await(
          "the live view of turn 1 in the status area",
          s -> s.contains("Live: phase TURN_OPEN, turn 1") && s.contains("Ana"));
      String screen = screen();
      assertEquals(1, count(screen, "Live: phase TURN_OPEN"), "drawn once, in place:\n" + screen);
      String[] rows = screen.split("\n");
      int header = -1;
      for (int i = 0; i < rows.length; i++) {
        if (rows[i].contains("Live: phase TURN_OPEN")) {
          header = i;
        }
      }
      assertTrue(header >= rows.length - 4, "the live view sits at the bottom:\n" + screen);
      assertTrue(output().contains("\033["), "it is drawn with cursor movements");
    }
    keys.write("quit\r".getBytes(StandardCharsets.US_ASCII));
    keys.flush();
    assertEquals(0, exit.get(20, SECONDS));
    admin.close();
  }
}

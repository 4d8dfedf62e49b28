package org.quarterdeck.client.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.jline.builtins.ScreenTerminal;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;

/**
 * The live view in the status area is shown even when it changes while the line reader redraws the
 * prompt on its own thread (a key typed, a new prompt): the reader's redraw must never put back the
 * view it had before. Each round types a burst of keys and shows a new view at the same time, then
 * waits until the reader has handled every key and checks the screen's bottom rows.
 */
class TerminalConsoleTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int ROUNDS = 150;

  /** The screen, fed with every byte the terminal writes, as it writes them. */
  private final ScreenTerminal screen = new ScreenTerminal(100, 30);

  private String screen() {
    synchronized (screen) {
      return screen.toString();
    }
  }

  @Test
  void aViewShownWhileTheReaderRedrawsStaysShown() throws Exception {
    Keyboard keys = new Keyboard();
    OutputStream display =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (screen) {
              screen.write(String.valueOf((char) (b & 0xff)));
              screen.notifyAll();
            }
          }

          @Override
          public void write(byte[] b, int off, int len) {
            synchronized (screen) {
              screen.write(new String(b, off, len, StandardCharsets.ISO_8859_1));
              screen.notifyAll();
            }
          }
        };
    Terminal terminal =
        TerminalBuilder.builder()
            .system(false)
            .streams(keys, display)
            .type("xterm-256color")
            .size(new Size(100, 30))
            .encoding(StandardCharsets.ISO_8859_1)
            .build();
    Console console = new Console(new Views(Texts.english()));
    try (TerminalConsole live = new TerminalConsole(terminal, List::of)) {
      live.readInto(console, "> ");
      for (int round = 1; round <= ROUNDS; round++) {
        // Ctrl-U empties the line; then keys, each a redisplay, while the view changes.
        CompletableFuture<Void> typing =
            CompletableFuture.runAsync(() -> keys.type("\025abcdefgh"));
        String view = "Live: view " + round + " of " + ROUNDS;
        live.showLive(List.of(view, "  team one", "  team two"));
        typing.get();
        keys.type("\025round-" + round);
        int shown = round;
        await("round " + round + "'s keys handled", s -> s.contains("round-" + shown + " "));
        String now = screen();
        assertTrue(now.contains(view), "round " + round + ": the view shown last:\n" + now);
      }
    }
  }

  /**
   * Keys typed from any thread, read by the terminal's own (a pipe would refuse a writer or reader
   * thread that has ended).
   */
  private static final class Keyboard extends InputStream {
    private final BlockingQueue<Integer> typed = new LinkedBlockingQueue<>();

    void type(String keys) {
      keys.chars().forEach(typed::add);
    }

    @Override
    public int read() throws IOException {
      try {
        return typed.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      b[off] = (byte) read();
      int n = 1;
      Integer next;
      while (n < len && (next = typed.poll()) != null) {
        b[off + n++] = (byte) (int) next;
      }
      return n;
    }

    @Override
    public int available() {
      return typed.size();
    }
  }

  /** Waits until the screen holds; woken by each write of the terminal, not by a timer. */
  private void await(String what, java.util.function.Predicate<String> holds)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (screen) {
      while (!holds.test(screen.toString())) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("the screen never showed " + what + ":\n" + screen);
        }
        screen.wait(Math.max(1, left / 1_000_000));
      }
    }
  }
}

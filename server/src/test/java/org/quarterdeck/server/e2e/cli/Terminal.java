package org.quarterdeck.server.e2e.cli;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quarterdeck.client.cli.Main;

/**
 * A command of the client's {@code Main} running on its own thread, with a standard input the test
 * types into and a standard output the test waits on, line by line, with timeouts.
 */
final class Terminal implements AutoCloseable {
  private static final byte[] EOF = new byte[0];

  private final LinkedBlockingQueue<byte[]> input = new LinkedBlockingQueue<>();
  private final Lines out = new Lines();
  private final Lines err = new Lines();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private int cursor;

  private Terminal() {}

  static Terminal start(String... args) {
    return start(System.getenv(), args);
  }

  /** As {@link #start(String...)} with {@code environment} as the command's environment. */
  static Terminal start(java.util.Map<String, String> environment, String... args) {
    Terminal t = new Terminal();
    Thread thread =
        new Thread(
            () -> {
              try {
                t.exit.complete(
                    Main.run(
                        args,
                        t.stdin(),
                        new PrintStream(t.out, true, StandardCharsets.UTF_8),
                        new PrintStream(t.err, true, StandardCharsets.UTF_8),
                        environment));
              } catch (Throwable e) {
                t.exit.completeExceptionally(e);
              }
            },
            "terminal-" + args[0]);
    thread.setDaemon(true);
    thread.start();
    return t;
  }

  /** Types lines (each gets its newline). */
  Terminal type(String... lines) {
    for (String line : lines) {
      input.add((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return this;
  }

  /** Ends standard input, like Ctrl-D. */
  void endInput() {
    input.add(EOF);
  }

  /**
   * Waits for the next output line (after the last one matched) that matches {@code regex} and
   * returns its match; fails with the transcript when none comes in time.
   */
  Matcher await(String regex, Duration timeout) throws InterruptedException {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (out) {
      while (true) {
        while (cursor < out.lines.size()) {
          Matcher m = p.matcher(out.lines.get(cursor++));
          if (m.find()) {
            return m;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "no line matching /"
                  + regex
                  + "/ within "
                  + timeout
                  + "\n--- stdout ---\n"
                  + transcript()
                  + "\n--- stderr ---\n"
                  + errors());
        }
        TimeUnit.NANOSECONDS.timedWait(out, left);
      }
    }
  }

  Matcher await(String regex) throws InterruptedException {
    return await(regex, Duration.ofSeconds(20));
  }

  int exitCode(Duration timeout) throws Exception {
    try {
      return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(
          "the command did not exit within "
              + timeout
              + "\n--- stdout ---\n"
              + transcript()
              + "\n--- stderr ---\n"
              + errors());
    }
  }

  String transcript() {
    return out.text();
  }

  String errors() {
    return err.text();
  }

  @Override
  public void close() {
    endInput();
  }

  private InputStream stdin() {
    return new InputStream() {
      private byte[] chunk = new byte[0];
      private int at;
      private boolean ended;

      @Override
      public int read() throws java.io.IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws java.io.IOException {
        if (ended) {
          return -1;
        }
        while (at >= chunk.length) {
          try {
            chunk = input.take();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
          }
          at = 0;
          if (chunk == EOF) {
            ended = true;
            return -1;
          }
        }
        int n = Math.min(len, chunk.length - at);
        System.arraycopy(chunk, at, b, off, n);
        at += n;
        return n;
      }
    };
  }

  /** Output collected as complete lines; waiters are woken for each line. */
  private static final class Lines extends OutputStream {
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    final List<String> lines = new ArrayList<>();
    private final StringBuilder all = new StringBuilder();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        String line = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        all.append(line).append('\n');
        notifyAll();
      } else {
        partial.write(b);
      }
    }

    synchronized String text() {
      return all + partial.toString(StandardCharsets.UTF_8);
    }
  }
}

package org.quarterdeck.client.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.Snapshot;

/**
 * One queue for everything a command reacts to: lines typed (or scripted) on standard input, the
 * server's pushes and connection news. The command's own thread takes them one at a time, so its
 * state needs no locks; Netty threads and the stdin reader only enqueue.
 */
final class Console {
  /** Something for the command to handle. */
  sealed interface Event permits Line, EndOfInput, Push, Dropped, Resumed, GaveUp, Tick {}

  record Line(String text) implements Event {}

  record EndOfInput() implements Event {}

  record Push(ServerMessage message) implements Event {}

  record Dropped(int attempt, long delayMs) implements Event {}

  record Resumed(Snapshot snapshot) implements Event {}

  record GaveUp(String why) implements Event {}

  /** A reminder a timer posted; {@code generation} tells whether it is still current. */
  record Tick(long generation, long secondsLeft) implements Event {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

  /** Words why the connection was given up, in the person's language. */
  private final Views views;

  Console(Views views) {
    this.views = views;
  }

  /** Echo each command line: on a pipe nobody saw it typed; a terminal already shows it. */
  private volatile boolean echo = true;

  void echo(boolean on) {
    echo = on;
  }

  /** Starts reading lines from {@code in} on a daemon thread. */
  void readLines(InputStream in) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  events.add(new Line(line));
                }
              } catch (IOException e) {
                // A closed or broken stdin ends the input like EOF does.
              }
              events.add(new EndOfInput());
            },
            "quarterdeck-stdin");
    reader.setDaemon(true);
    reader.start();
  }

  /** A connection listener that turns drops, resumes and giving up into events. */
  QuarterdeckClient.ConnectionListener connectionEvents() {
    return new QuarterdeckClient.ConnectionListener() {
      @Override
      public void dropped(int attempt, Duration delay) {
        post(new Dropped(attempt, delay.toMillis()));
      }

      @Override
      public void resumed(Snapshot snapshot) {
        post(new Resumed(snapshot));
      }

      @Override
      public void gaveUp(Throwable cause) {
        post(new GaveUp(views.refusal(cause)));
      }
    };
  }

  void post(Event event) {
    events.add(event);
  }

  Event take() throws InterruptedException {
    return events.take();
  }

  /**
   * Reads one typed line as a command: blank lines and {@code #} comments give null, anything else
   * is echoed and split into words; a line that cannot be split is explained and gives null.
   */
  List<String> command(String text, java.io.PrintStream out) {
    String trimmed = text.strip();
    if (trimmed.isEmpty() || trimmed.startsWith("#")) {
      return null;
    }
    if (echo) {
      out.println("> " + trimmed);
    }
    try {
      return words(trimmed);
    } catch (IllegalArgumentException e) {
      out.println("  " + views.say("console.open-quote"));
      return null;
    }
  }

  /**
   * Splits a line into words; double quotes group words ({@code "Flu season" morale=-5}) and a
   * backslash escapes the next character inside quotes.
   */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '\\' && i + 1 < line.length()) {
          word.append(line.charAt(++i));
        } else if (c == '"') {
          quoted = false;
        } else {
          word.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        any = true;
      } else if (Character.isWhitespace(c)) {
        if (any || word.length() > 0) {
          out.add(word.toString());
          word.setLength(0);
          any = false;
        }
      } else {
        word.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("a quote is not closed");
    }
    if (any || word.length() > 0) {
      out.add(word.toString());
    }
    return out;
  }
}

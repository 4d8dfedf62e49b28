package org.quarterdeck.client.cli;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.Status;

/**
 * The console of {@code play} and {@code facilitate} on a real terminal: JLine reads each line with
 * editing, history (Up recalls, Ctrl-R searches) and Tab completion behind a prompt, the command's
 * output is printed above the prompt line, and a live view is redrawn in place in a status area at
 * the bottom. On a pipe or a file the commands read plain lines instead ({@link
 * Console#readLines}), so scripts keep working unchanged.
 */
final class TerminalConsole implements AutoCloseable {
  private final Terminal terminal;
  private final LiveLineReader reader;
  private final PrintStream printer;

  /**
   * @param words the completion candidates, asked for at each Tab (commands and, once a turn is
   *     open, its acts); called on the reading thread, so it must be safe to call from there
   */
  TerminalConsole(Terminal terminal, Supplier<Collection<String>> words) {
    this.terminal = requireNonNull(terminal, "terminal");
    try {
      this.reader = new LiveLineReader(terminal);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read from the terminal", e);
    }
    reader.setCompleter(new StringsCompleter(requireNonNull(words, "words")));
    reader.setHistory(new DefaultHistory());
    reader.setVariable(LineReader.HISTORY_SIZE, 500);
    this.printer = new PrintStream(new LineSink(reader), true, StandardCharsets.UTF_8);
  }

  /** Where the command prints: whole lines go above the prompt, never through it. */
  PrintStream printer() {
    return printer;
  }

  /** Starts reading lines with {@code prompt} on a daemon thread; they become console events. */
  void readInto(Console console, String prompt) {
    Thread thread =
        new Thread(
            () -> {
              while (true) {
                try {
                  console.post(new Console.Line(reader.readLine(prompt)));
                } catch (UserInterruptException | EndOfFileException e) {
                  break; // Ctrl-C or Ctrl-D: the end of input, as EOF on a pipe
                } catch (RuntimeException e) {
                  break; // the terminal went away
                }
              }
              console.post(new Console.EndOfInput());
            },
            "quarterdeck-terminal");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Shows {@code lines} in the status area at the bottom, replacing what it showed: a live view
   * that redraws in place instead of scrolling. Falls back to printing on a terminal that cannot
   * keep a status area (a dumb one).
   */
  void showLive(List<String> lines) {
    if (terminal.getType().startsWith(Terminal.TYPE_DUMB)) {
      lines.forEach(printer::println);
      return;
    }
    List<AttributedString> shown = new ArrayList<>(lines.size());
    for (String line : lines) {
      shown.add(new AttributedString(line));
    }
    reader.showStatus(shown);
  }

  @Override
  public void close() {
    reader.closeStatus();
    printer.flush();
    try {
      terminal.close();
    } catch (IOException e) {
      // closing a terminal we opened; nothing more to do
    }
  }

  /**
   * JLine's line reader, whose status area changes only under the reader's own lock. The reader
   * redraws the status area from its own thread whenever it redisplays the prompt (each key, each
   * new prompt); an update from the command's thread that ran beside such a redraw could be undone
   * by it (the redraw drew the lines it had read before the update, and kept them), so a live view
   * that arrived while a command was being typed or a new prompt was drawn could stay unshown.
   * Under the lock, an update and a redraw follow each other.
   */
  private static final class LiveLineReader extends LineReaderImpl {
    private Status status;

    LiveLineReader(Terminal terminal) throws IOException {
      super(terminal);
    }

    void showStatus(List<AttributedString> lines) {
      lock.lock();
      try {
        if (status == null) {
          status = Status.getStatus(terminal);
        }
        status.update(lines);
        terminal.flush();
      } finally {
        lock.unlock();
      }
    }

    void closeStatus() {
      lock.lock();
      try {
        if (status != null) {
          status.close();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** Collects bytes until a newline, then prints the line above the prompt. */
  private static final class LineSink extends OutputStream {
    private final LineReader reader;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineSink(LineReader reader) {
      this.reader = reader;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        reader.printAbove(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else if (b != '\r') {
        line.write(b);
      }
    }
  }
}

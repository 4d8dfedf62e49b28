package org.quarterdeck.server.facilitator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sessions facilitators archived (hid from their list): a small file beside the session logs,
 * one session id a line, replaced atomically and fsynced. Archiving changes nothing in a session,
 * so it is not part of the session's log; losing this file would only unhide sessions.
 */
public final class ArchivedSessions {
  static final String FILE_NAME = "archived-sessions.txt";

  private final Path file;
  private final Keeper keeper;
  private final Reader reader;
  private final Set<String> ids = new TreeSet<>();

  /** Somewhere else the flags are kept (a cluster's database). */
  public interface Keeper {
    /** Stores one flag; durable when this returns. */
    void write(String sessionId, boolean archived) throws IOException;
  }

  /** Reads flags that others may have set since (a cluster's other nodes). */
  public interface Reader {
    /** The archived ones among {@code sessionIds}. */
    Collection<String> archivedAmong(Collection<String> sessionIds) throws IOException;
  }

  private ArchivedSessions(Path file) {
    this.file = file;
    this.keeper = null;
    this.reader = null;
  }

  private ArchivedSessions(Collection<String> initial, Keeper keeper, Reader reader) {
    this.file = null;
    this.keeper = keeper;
    this.reader = reader;
    ids.addAll(initial);
  }

  /**
   * Flags kept by {@code keeper}, starting from those it holds now ({@code initial}); {@link
   * #reread} asks {@code reader} for the flags of sessions that come to be served here.
   */
  public static ArchivedSessions keptBy(Collection<String> initial, Keeper keeper, Reader reader) {
    return new ArchivedSessions(
        java.util.Objects.requireNonNull(initial, "initial"),
        java.util.Objects.requireNonNull(keeper, "keeper"),
        java.util.Objects.requireNonNull(reader, "reader"));
  }

  /**
   * Reads the flags of {@code sessionIds} again where others may have set them (a cluster node that
   * takes sessions over learns the flags their old owner set after this node started); nothing
   * elsewhere.
   *
   * @throws IOException when they cannot be read (the flags held stay as they were)
   */
  public void reread(Collection<String> sessionIds) throws IOException {
    if (reader == null || sessionIds.isEmpty()) {
      return;
    }
    Set<String> archived = new java.util.HashSet<>(reader.archivedAmong(sessionIds));
    synchronized (this) {
      for (String id : sessionIds) {
        if (archived.contains(id)) {
          ids.add(id);
        } else {
          ids.remove(id);
        }
      }
    }
  }

  /** Archive flags kept in memory only (a server without a data directory). */
  public static ArchivedSessions inMemory() {
    return new ArchivedSessions(null);
  }

  /** Reads the flags of a data directory (none yet is fine). */
  public static ArchivedSessions in(Path dataDirectory) throws IOException {
    ArchivedSessions archived = new ArchivedSessions(dataDirectory.resolve(FILE_NAME));
    if (Files.exists(archived.file)) {
      for (String line : Files.readAllLines(archived.file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          archived.ids.add(line.strip());
        }
      }
    }
    return archived;
  }

  public synchronized boolean contains(String sessionId) {
    return ids.contains(sessionId);
  }

  /** Sets a session's flag; durable when this returns. */
  public synchronized void set(String sessionId, boolean archived) {
    boolean changed = archived ? ids.add(sessionId) : ids.remove(sessionId);
    if (!changed || (file == null && keeper == null)) {
      return;
    }
    try {
      if (keeper != null) {
        keeper.write(sessionId, archived);
        return;
      }
      Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
      Files.write(tmp, new ArrayList<>(ids), StandardCharsets.UTF_8);
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (archived) {
        ids.remove(sessionId);
      } else {
        ids.add(sessionId);
      }
      throw new UncheckedIOException(keeper != null ? e.getMessage() : "cannot write " + file, e);
    }
  }

  synchronized List<String> ids() {
    return List.copyOf(ids);
  }
}

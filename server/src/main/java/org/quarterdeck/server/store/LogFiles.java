package org.quarterdeck.server.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How the store opens files: the seam through which tests put a failing or slow disk under it. All
 * methods are called on the writer thread, except during {@link EventStore#recover} and {@link
 * EventStore#read}, which run on the caller's thread.
 */
public interface LogFiles {
  /** Creates a new file for reading and writing; fails if it exists. */
  FileChannel create(Path file) throws IOException;

  /** Opens an existing file for reading and writing. */
  FileChannel open(Path file) throws IOException;

  /** Opens an existing file for reading only. */
  FileChannel openForReading(Path file) throws IOException;

  /** Makes a directory's entries (a file just created) durable. */
  void syncDirectory(Path directory) throws IOException;

  /** The real file system. */
  static LogFiles system() {
    return SystemLogFiles.INSTANCE;
  }
}

/** {@link LogFiles} on the default file system. */
enum SystemLogFiles implements LogFiles {
  INSTANCE;

  @Override
  public FileChannel create(Path file) throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  @Override
  public FileChannel open(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  @Override
  public FileChannel openForReading(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.READ);
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    // Linux lets a directory be opened read-only and fsynced; that makes a new entry durable.
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }
}

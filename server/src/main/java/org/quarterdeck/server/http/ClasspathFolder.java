package org.quarterdeck.server.http;

import static java.util.Objects.requireNonNull;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One folder of the classpath (say {@code web/}) and the places that hold it (a directory, a jar),
 * found once. Files are read from those places directly instead of through {@link
 * ClassLoader#getResourceAsStream}: the JDK's built-in class loaders remember every name asked for
 * that lies outside a named module (a soft-referenced map in each of the boot, platform and
 * application loaders), so 200,000 distinct unknown {@code /assets/} names kept ~40 MiB of the heap
 * until memory ran short.
 */
final class ClasspathFolder {
  private final String folder;
  private final List<URL> places;

  private ClasspathFolder(String folder, List<URL> places) {
    this.folder = folder;
    this.places = places;
  }

  /** The folder named {@code folder} (ending in {@code /}) wherever {@code loader} holds it. */
  static ClasspathFolder of(ClassLoader loader, String folder) {
    requireNonNull(loader, "loader");
    requireNonNull(folder, "folder");
    if (!folder.endsWith("/")) {
      throw new IllegalArgumentException("a folder ends in /: " + folder);
    }
    try {
      return new ClasspathFolder(
          folder, List.copyOf(Collections.list(loader.getResources(folder))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The bytes of the regular file at {@code relative} (plain segments joined by {@code /}, already
   * checked by the caller) in the first place that has it; empty when none has.
   */
  Optional<byte[]> read(String relative) {
    requireNonNull(relative, "relative");
    for (URL place : places) {
      Optional<byte[]> bytes = readFrom(place, relative);
      if (bytes.isPresent()) {
        return bytes;
      }
    }
    return Optional.empty();
  }

  /** How many places hold the folder (for tests). */
  int places() {
    return places.size();
  }

  @Override
  public String toString() {
    return folder + " in " + places;
  }

  private static Optional<byte[]> readFrom(URL place, String relative) {
    try {
      URL url = new URL(place, relative);
      if ("file".equals(url.getProtocol())) {
        Path file = Path.of(url.toURI());
        // a directory's URL would read as a listing of its files
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
      }
      URLConnection connection = url.openConnection();
      if (connection instanceof JarURLConnection jar && jar.getJarEntry().isDirectory()) {
        return Optional.empty();
      }
      try (InputStream in = connection.getInputStream()) {
        return Optional.of(in.readAllBytes());
      }
    } catch (FileNotFoundException | NoSuchFileException e) {
      return Optional.empty();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package org.quarterdeck.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Files read straight from a directory and from a jar, never a directory, nothing for a miss. */
class ClasspathFolderTest {
  private final ClassLoader loader = ClasspathFolderTest.class.getClassLoader();

  @Test
  void readsAFileFromADirectoryOnTheClassPath() throws Exception {
    ClasspathFolder web = ClasspathFolder.of(loader, "web/");
    assertArrayEquals(classLoaderBytes("web/assets/qd.js"), web.read("assets/qd.js").orElseThrow());
    assertTrue(web.read("assets/missing-1-2.js").isEmpty());
    assertTrue(web.read("assets").isEmpty(), "a directory is not a file");
    assertTrue(web.read("assets/i18n").isEmpty(), "a directory is not a file");
  }

  @Test
  void readsAFileFromAJarOnTheClassPath() throws Exception {
    ClasspathFolder webjars = ClasspathFolder.of(loader, "META-INF/resources/webjars/");
    assertEquals(1, webjars.places(), webjars.toString());
    String css = "uplot/1.6.30/dist/uPlot.min.css";
    assertArrayEquals(
        classLoaderBytes("META-INF/resources/webjars/" + css), webjars.read(css).orElseThrow());
    assertTrue(webjars.read("uplot/1.6.30/dist/missing.css").isEmpty());
    assertTrue(webjars.read("uplot/1.6.30/dist").isEmpty(), "a directory is not a file");
  }

  private byte[] classLoaderBytes(String resource) throws Exception {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }
}

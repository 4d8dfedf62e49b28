package org.quarterdeck.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) throws Exception {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpAfterACommandPrintsTheUsageAndSucceeds() throws Exception {
    assertEquals(0, run("serve", "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--fsync-batch-ms"), out.toString());
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void anUnknownFlagIsAUsageError() throws Exception {
    assertEquals(2, run("serve", "--colour", "blue"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown flag --colour"),
        err.toString());
  }
}

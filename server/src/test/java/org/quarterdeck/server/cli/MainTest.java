package org.quarterdeck.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of());
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpAfterACommandPrintsTheUsageAndSucceeds() {
    assertEquals(0, run("serve", "--help"));
    assertTrue(out().contains("--fsync-batch-ms"), out());
    assertEquals("", err());
  }

  @ParameterizedTest
  @CsvSource({
    "serve, --http-port",
    "export, --session",
    "verify, --data",
    "simulate, --strategies",
    "generate-completion, --help"
  })
  void everyCommandHasAGeneratedHelp(String command, String option) {
    assertEquals(0, run(command, "--help"));
    assertTrue(out().contains("Usage: quarterdeck-server " + command), out());
    assertTrue(out().contains(option), out());
  }

  @Test
  void theTopLevelHelpListsEveryCommand() {
    assertEquals(0, run("--help"));
    for (String command : new String[] {"serve", "export", "verify", "simulate"}) {
      assertTrue(out().contains("  " + command), command + " in\n" + out());
    }
  }

  @Test
  void noCommandIsAUsageError() {
    assertEquals(2, run());
    assertTrue(err().contains("Usage: quarterdeck-server"), err());
  }

  @Test
  void anUnknownFlagIsAUsageError() {
    assertEquals(2, run("serve", "--colour", "blue"));
    assertTrue(err().contains("'--colour'"), err());
  }

  @Test
  void aRequiredOptionIsNamedWhenMissing() {
    assertEquals(2, run("export", "--data", "somewhere"));
    assertTrue(err().contains("--session"), err());
  }

  @Test
  void theEnvironmentReachesEverySubcommand() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"verify"},
            new PrintStream(sink, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("QUARTERDECK_DATA", "/nonexistent-quarterdeck-dir"));
    assertEquals(1, code, "--data came from QUARTERDECK_DATA, so verify ran: " + err());
    assertTrue(err().contains("no data directory /nonexistent-quarterdeck-dir"), err());
  }

  @Test
  void shellCompletionIsGenerated() {
    assertEquals(0, run("generate-completion"));
    assertTrue(out().contains("complete -F"), "a bash completion script");
    assertTrue(out().contains("--fsync-batch-ms"), "it completes serve's options");
  }
}

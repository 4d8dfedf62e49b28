package org.quarterdeck.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> environment, String... args) {
    return Main.run(
        args,
        InputStream.nullInputStream(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        environment);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @CsvSource({
    "play, --token",
    "facilitate, --scenario-file",
    "bots, --strategy",
    "load, --workload",
    "echo-server, --port",
    "generate-completion, --help"
  })
  void everyCommandHasAGeneratedHelp(String command, String option) {
    assertEquals(0, run(Map.of(), command, "--help"));
    assertTrue(out().contains("Usage: quarterdeck-client " + command), out());
    assertTrue(out().contains(option), out());
  }

  @Test
  void noCommandIsAUsageError() {
    assertEquals(2, run(Map.of()));
    assertTrue(err().contains("play") && err().contains("facilitate"), err());
  }

  @Test
  void playNeedsAJoinCodeAndNameOrAToken() {
    assertEquals(2, run(Map.of(), "play", "--server", "ws://127.0.0.1:1/ws", "--name", "Ana"));
    assertTrue(err().contains("give --join CODE --name NAME, or --token TOKEN"), err());
  }

  @Test
  void boundsAndUnknownStrategiesAreUsageErrors() {
    assertEquals(
        2,
        run(
            Map.of(),
            "bots",
            "--server",
            "ws://127.0.0.1:1/ws",
            "--join",
            "X",
            "--strategy",
            "golfer"));
    assertTrue(err().contains("unknown strategy 'golfer'"), err());
    assertEquals(
        2,
        run(
            Map.of(),
            "facilitate",
            "--server",
            "ws://127.0.0.1:1/ws",
            "--create",
            "--teams",
            "61"));
    assertTrue(err().contains("--teams must be between 0 and 60, was 61"), err());
    assertEquals(
        2,
        run(
            Map.of(),
            "load",
            "--server",
            "ws://127.0.0.1:1/ws",
            "--players",
            "5",
            "--sessions",
            "2"));
    assertTrue(err().contains("--players must be a multiple of --sessions"), err());
  }

  @Test
  void theEnvironmentGivesDefaultsAndTheCommandLineWins() {
    // QUARTERDECK_SERVER satisfies the required --server, so the error is the next one.
    assertEquals(2, run(Map.of("QUARTERDECK_SERVER", "ws://127.0.0.1:1/ws"), "play"));
    assertTrue(err().contains("give --join CODE"), err());
    assertTrue(!err().contains("Missing required option"), err());
  }

  @Test
  void shellCompletionIsGenerated() {
    assertEquals(0, run(Map.of(), "generate-completion"));
    assertTrue(out().contains("complete -F") && out().contains("--scenario-file"), out());
  }
}

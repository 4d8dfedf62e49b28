package org.quarterdeck.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The server's usage help comes from Usage.properties / Usage_de.properties, complete in both. */
class UsageBundlesTest {
  /** Keys every command shares; the rest belong to one command. */
  private static final Set<String> SHARED =
      Set.of("help", "version", "usage.synopsisHeading", "usage.commandListHeading");

  /** picocli's own commands: their texts stay picocli's, save what the bundles override. */
  private static final Set<String> PICOCLI_COMMANDS = Set.of("help", "generate-completion");

  private final Locale locale = Locale.getDefault();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @AfterEach
  void restoreLocale() {
    Locale.setDefault(locale);
  }

  @Test
  void germanHasExactlyTheKeysOfEnglish() throws IOException {
    Set<String> english = keys("Usage.properties");
    Set<String> german = keys("Usage_de.properties");
    assertEquals(Set.of(), without(english, german), "keys German lacks");
    assertEquals(Set.of(), without(german, english), "keys only German has");
  }

  @Test
  void everyCommandAndOptionHasADescriptionAndNoKeyIsStale() throws IOException {
    Set<String> english = keys("Usage.properties");
    Set<String> expected = new TreeSet<>();
    collect(commandLine(Map.of()), expected);
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(english);
    assertEquals(Set.of(), missing, "options or commands without a description key");

    Set<String> stale = new TreeSet<>(english);
    stale.removeAll(expected);
    stale.removeAll(SHARED);
    stale.removeIf(key -> key.contains(".usage.") || key.endsWith(".help.help"));
    assertEquals(Set.of(), stale, "keys of no command or option");
  }

  @Test
  void theJvmLocaleGermanGivesGermanHelp() {
    Locale.setDefault(Locale.GERMAN);
    String help = help(Map.of(), "serve", "--help");
    assertTrue(help.startsWith("Aufruf: quarterdeck-server serve"), help);
    assertTrue(help.contains("Betreibt den Server bis SIGTERM oder SIGINT."), help);
    assertTrue(help.contains("Diese Hilfe zeigen und beenden."), help);
    assertFalse(help.contains("Runs the server"), help);
  }

  @Test
  void quarterdeckLangOverridesTheJvmLocaleBothWays() {
    Locale.setDefault(Locale.ENGLISH);
    assertTrue(help(Map.of("QUARTERDECK_LANG", "de"), "export", "--help").contains("Sitzungs-Id."));

    Locale.setDefault(Locale.GERMAN);
    String english = help(Map.of("QUARTERDECK_LANG", "en"), "export", "--help");
    assertTrue(english.startsWith("Usage: quarterdeck-server export"), english);
    assertTrue(english.contains("Session id."), english);
  }

  @Test
  void aLanguageWithoutABundleGetsEnglish() {
    Locale.setDefault(Locale.GERMAN);
    String help = help(Map.of("QUARTERDECK_LANG", "fr"), "verify", "--help");
    assertTrue(help.contains("Replays every session log"), help);
  }

  /** The keys each command and option reads its description from, as picocli looks them up. */
  private static void collect(CommandLine line, Set<String> keys) {
    CommandSpec spec = line.getCommandSpec();
    if (PICOCLI_COMMANDS.contains(spec.name())) {
      return;
    }
    String prefix = spec.qualifiedName(".") + ".";
    keys.add(prefix + "usage.description");
    for (OptionSpec option : spec.options()) {
      if (option.usageHelp()) {
        keys.add("help");
      } else if (option.versionHelp()) {
        keys.add("version");
      } else {
        keys.add(prefix + option.longestName().replaceFirst("^-+", ""));
      }
    }
    assertEquals(0, spec.positionalParameters().size(), spec.name() + ": positional parameters");
    line.getSubcommands().values().forEach(sub -> collect(sub, keys));
  }

  private static Set<String> without(Set<String> keys, Set<String> others) {
    Set<String> rest = new TreeSet<>(keys);
    rest.removeAll(others);
    return rest;
  }

  /** A bundle's keys, numbered lines ({@code key.0}, {@code key.1}) counted once as {@code key}. */
  private static Set<String> keys(String file) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = UsageBundlesTest.class.getResourceAsStream(file)) {
      assertNotNull(in, file);
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    Set<String> keys = new TreeSet<>();
    properties.stringPropertyNames().forEach(key -> keys.add(key.replaceFirst("\\.\\d+$", "")));
    return keys;
  }

  private CommandLine commandLine(Map<String, String> environment) {
    PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
    return Main.commandLine(stream, stream, environment);
  }

  private String help(Map<String, String> environment, String... args) {
    out.reset();
    assertEquals(0, commandLine(environment).execute(args));
    return out.toString(StandardCharsets.UTF_8);
  }
}

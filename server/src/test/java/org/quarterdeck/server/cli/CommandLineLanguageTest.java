package org.quarterdeck.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.server.simulate.SimulateEnglish;

/**
 * What the server's command line prints for people while it runs comes from Texts.properties /
 * Texts_de.properties: both have every key with the same values, and a German run prints no English
 * sentence in the start banner, a usage error (picocli's or our own) or the output of export,
 * verify and facilitator-add.
 */
class CommandLineLanguageTest {
  private static final Pattern SLOT = Pattern.compile("\\{\\d\\}");

  /** picocli's own English words, which a German usage error must not show. */
  private static final List<String> PICOCLI_ENGLISH =
      List.of("Unknown option", "Missing required", "Invalid value", "Usage:", "Did you mean");

  private static Properties bundle(String name) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Texts.class.getResourceAsStream(name)) {
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return p;
  }

  private static Set<String> slots(String pattern) {
    Set<String> found = new TreeSet<>();
    Matcher m = SLOT.matcher(pattern);
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }

  @Test
  void germanHasEveryKeyOfEnglishWithTheSameValues() throws IOException {
    Properties english = bundle("Texts.properties");
    Properties german = bundle("Texts_de.properties");
    assertEquals(english.stringPropertyNames(), german.stringPropertyNames());
    for (String key : english.stringPropertyNames()) {
      assertEquals(
          slots(english.getProperty(key)), slots(german.getProperty(key)), key + ": values differ");
    }
  }

  /**
   * Every stretch of English words in the English bundle (the text between values, two words or
   * more) that the German bundle does not also use, and that {@code output} contains.
   */
  static List<String> englishIn(String output) throws IOException {
    Properties english = bundle("Texts.properties");
    Properties german = bundle("Texts_de.properties");
    List<String> found = new ArrayList<>();
    for (String key : new TreeSet<>(english.stringPropertyNames())) {
      for (String part : SLOT.split(english.getProperty(key))) {
        String words = part.strip();
        if (words.matches(".*[a-z]+ [a-z]+.*")
            && !german.getProperty(key).contains(words)
            && output.contains(words)) {
          found.add(key + ": " + words);
        }
      }
    }
    for (String words : PICOCLI_ENGLISH) {
      if (output.contains(words)) {
        found.add("picocli: " + words);
      }
    }
    return found;
  }

  private record Run(int code, String out, String err) {}

  private static Run german(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("QUARTERDECK_LANG", "de"));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void germanUsageErrorsAreGerman() throws IOException {
    Run unknown = german("serve", "--colour", "blue");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("Unbekannte Option: '--colour'"), unknown.err());
    assertEquals(List.of(), englishIn(unknown.err()), unknown.err());

    Run missing = german("export", "--data", "somewhere");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("fehlt: --session"), missing.err());
    assertEquals(List.of(), englishIn(missing.err()), missing.err());

    Run badValue = german("serve", "--http-port", "zwölf");
    assertEquals(2, badValue.code());
    assertTrue(badValue.err().contains("Ungültiger Wert für --http-port: 'zwölf'"), badValue.err());
    assertEquals(List.of(), englishIn(badValue.err()), badValue.err());
  }

  private record Full(int code, String out, String err) {
    String both() {
      return out + err;
    }
  }

  private static Full germanWithInput(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.commandLine(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("QUARTERDECK_LANG", "de"))
            .execute(args);
    return new Full(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Usage errors our own checks raise (not picocli's, not the ranges) are German too. */
  @Test
  void germanOwnUsageErrorsAreGerman(@TempDir Path data) throws IOException {
    Full fsync = germanWithInput("", "serve", "--fsync", "sometimes", "--data", data.toString());
    assertEquals(2, fsync.code());
    assertTrue(
        fsync.err().contains("--fsync muss always, batch oder off sein, war 'sometimes'"),
        fsync.err());
    assertEquals(List.of(), englishIn(fsync.err()), fsync.err());

    Full stores =
        germanWithInput(
            "",
            "serve",
            "--store",
            "postgres://a:b@db:5432/one",
            "--database-url",
            "postgres://a:b@db:5432/two",
            "--data",
            data.toString());
    assertEquals(2, stores.code());
    assertTrue(stores.err().contains("nennen verschiedene Datenbanken"), stores.err());
    assertEquals(List.of(), englishIn(stores.err()), stores.err());

    // Checked while serve builds its options, before any port is bound.
    Full lonelyCert =
        germanWithInput(
            "",
            "serve",
            "--tls-cert",
            data.resolve("server.pem").toString(),
            "--http-port",
            "0",
            "--tcp-port",
            "0",
            "--data",
            data.toString());
    assertTrue(lonelyCert.code() != 0, lonelyCert.both());
    assertTrue(
        lonelyCert.err().contains("--tls-cert und --tls-key gehören zusammen"), lonelyCert.err());
    assertEquals(List.of(), englishIn(lonelyCert.both()), lonelyCert.both());

    // A flag whose value net/ refuses with its own English reason: worded again here.
    Map<List<String>, String> refused =
        Map.of(
            List.of("--public-url", "ftp://example.org"),
            "--public-url muss wie http://HOST[:PORT] oder https://HOST[:PORT] aussehen",
            List.of("--transport", "carrier-pigeon"),
            "--transport muss auto, epoll oder nio sein, war 'carrier-pigeon'",
            List.of("--allowed-origins", "example.org"),
            "--allowed-origins: jeder Eintrag muss ein Ursprung",
            List.of("--trusted-proxies", "proxy.example.org"),
            "--trusted-proxies: jeder Eintrag muss eine IP-Adresse",
            List.of(
                "--tls-cert",
                data.resolve("none.pem").toString(),
                "--tls-key",
                data.resolve("none.key").toString()),
            "--tls-cert/--tls-key: das Zertifikat");
    for (Map.Entry<List<String>, String> flag : refused.entrySet()) {
      List<String> args = new ArrayList<>(List.of("serve", "--http-port", "0", "--tcp-port", "0"));
      args.addAll(flag.getKey());
      args.addAll(List.of("--data", data.toString()));
      Full run = germanWithInput("", args.toArray(String[]::new));
      assertTrue(run.code() != 0, run.both());
      assertTrue(run.err().contains(flag.getValue()), run.err());
      assertEquals(List.of(), englishIn(run.both()), run.both());
    }
  }

  /** export, verify and facilitator-add speak German to a person; the replay's CSV does not. */
  @Test
  void germanOfflineToolsAreGerman(@TempDir Path data) throws IOException {
    Full noData =
        germanWithInput(
            "", "export", "--data", data.resolve("nowhere").toString(), "--session", "S");
    assertEquals(1, noData.code());
    assertTrue(noData.err().contains("kein Datenverzeichnis"), noData.err());
    assertEquals(List.of(), englishIn(noData.both()), noData.both());

    Full noSession = germanWithInput("", "export", "--data", data.toString(), "--session", "S1");
    assertEquals(1, noSession.code());
    assertTrue(noSession.err().contains("keine Sitzung S1 in"), noSession.err());
    assertEquals(List.of(), englishIn(noSession.both()), noSession.both());

    Full verified = germanWithInput("", "verify", "--data", data.toString());
    assertEquals(0, verified.code(), verified.both());
    assertTrue(verified.out().contains("0 Sitzungen geprüft, 0 fehlerhaft"), verified.out());
    assertEquals(List.of(), englishIn(verified.both()), verified.both());

    String file = data.resolve("facilitators.properties").toString();
    Full noPassword =
        germanWithInput("", "facilitator-add", "--facilitators", file, "--name", "ana");
    assertEquals(2, noPassword.code());
    assertTrue(noPassword.err().contains("das Passwort (1..200 Zeichen)"), noPassword.err());
    assertEquals(List.of(), englishIn(noPassword.both()), noPassword.both());

    Full saved =
        germanWithInput(
            "geheim-genug\n",
            "facilitator-add",
            "--facilitators",
            file,
            "--name",
            "ana",
            "--iterations",
            "1000");
    assertEquals(0, saved.code(), saved.both());
    assertTrue(saved.out().contains("Moderator ana in " + file + " gespeichert"), saved.out());
    assertEquals(List.of(), englishIn(saved.both()), saved.both());
  }

  @Test
  void englishUsageErrorsStayEnglish() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"serve", "--colour", "blue"},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("QUARTERDECK_LANG", "en"));
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("Unknown option: '--colour'"));
  }

  /** {@code serve --demo} in its own JVM under QUARTERDECK_LANG=de: the banner is German. */
  @Test
  @Timeout(120)
  void germanServeBannerIsGerman(@TempDir Path data) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--demo",
                "--http-port",
                "0",
                "--tcp-port",
                "0",
                "--data",
                data.toString())
            .redirectError(data.resolve("server.log").toFile());
    builder.environment().put("QUARTERDECK_LANG", "de");
    Process server = builder.start();
    StringBuilder banner = new StringBuilder();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      // The banner ends with how to facilitate the demo.
      while ((line = out.readLine()) != null) {
        banner.append(line).append('\n');
        if (line.contains(" facilitate --server ")) {
          break;
        }
      }
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
    String text = banner.toString();
    assertTrue(text.contains("läuft."), text);
    assertTrue(text.contains("Spielerseite"), text);
    assertTrue(text.contains("Sitzungen wiederhergestellt"), text);
    assertEquals(List.of(), englishIn(text), text);
  }

  private static final String SIMULATE = "/org/quarterdeck/server/simulate/";

  private static List<String> conversions(String pattern) {
    return SimulateEnglish.CONVERSION.matcher(pattern).results().map(m -> m.group()).toList();
  }

  @Test
  void simulatesGermanHasEveryKeyOfEnglishWithTheSameConversions() throws IOException {
    Properties english = bundle(SIMULATE + "Texts.properties");
    Properties german = bundle(SIMULATE + "Texts_de.properties");
    assertEquals(english.stringPropertyNames(), german.stringPropertyNames());
    for (String key : english.stringPropertyNames()) {
      assertEquals(
          conversions(english.getProperty(key)),
          conversions(german.getProperty(key)),
          key + ": values differ");
    }
  }

  private static List<String> simulateEnglishIn(String output) {
    return SimulateEnglish.in(output);
  }

  /** A short simulate in German: the table's title and legend, the CSV line, its usage errors. */
  @Test
  void germanSimulateIsGerman(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws IOException {
    java.nio.file.Path csv = dir.resolve("runs.csv");
    Run simulate =
        german("simulate", "--seeds", "2", "--strategies", "numbers,balanced", "--csv", "" + csv);
    String run = simulate.out() + simulate.err();
    assertEquals(0, simulate.code(), run);
    assertTrue(run.contains("2 Seeds, 2 Teams je Sitzung"), run);
    assertTrue(run.contains("hit% = erreichte Quartalsziele"), run);
    assertTrue(run.contains("4 Zeilen nach " + csv + " geschrieben"), run);
    assertEquals(List.of(), simulateEnglishIn(run), run);
    assertEquals(List.of(), englishIn(run), run);

    String seeds = german("simulate", "--seeds", "0").err();
    assertTrue(seeds.contains("--seeds muss in 1..100000 liegen, war 0"), seeds);
    String bounded = german("simulate", "--bounded").err();
    assertTrue(bounded.contains("--bounded gehört zu --search"), bounded);
    String scenario = german("simulate", "--scenario", dir.resolve("none.yaml").toString()).err();
    assertTrue(scenario.contains("das Szenario lässt sich nicht laden"), scenario);
    String strategies = german("simulate", "--strategies", "numbers,golfer").err();
    assertTrue(strategies.contains("--strategies: unbekannte Strategie 'golfer'"), strategies);
    String share = german("simulate", "--strategies", "static:1.5").err();
    assertTrue(share.contains("static muss in [0, 1] liegen: 1.5"), share);
    // market-year takes 1..1000 teams: one strategy too many is refused before any seed is played
    String many = String.join(",", Collections.nCopies(1001, "numbers"));
    String teams = german("simulate", "--strategies", many).err();
    assertTrue(teams.contains("braucht 1..1000 Teams (eins je Strategie), waren 1001"), teams);
    String all = seeds + bounded + scenario + strategies + share + teams;
    assertEquals(List.of(), simulateEnglishIn(all), all);
    assertEquals(List.of(), englishIn(all), all);
  }
}

package org.quarterdeck.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quarterdeck.client.net.ClientTls;
import org.quarterdeck.protocol.v1.Contribution;
import org.quarterdeck.protocol.v1.FinalScore;
import org.quarterdeck.protocol.v1.Hat;
import org.quarterdeck.protocol.v1.LiveTeam;
import org.quarterdeck.protocol.v1.LiveView;
import org.quarterdeck.protocol.v1.LobbySeat;
import org.quarterdeck.protocol.v1.LobbyUpdate;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.QuarterClosed;
import org.quarterdeck.protocol.v1.SessionEnded;
import org.quarterdeck.protocol.v1.Standing;
import org.quarterdeck.protocol.v1.TeamView;
import org.quarterdeck.protocol.v1.TurnReport;
import org.quarterdeck.protocol.v1.Variable;
import org.quarterdeck.protocol.v1.VariableChange;

/**
 * What the terminal client prints for people while it runs comes from Texts.properties /
 * Texts_de.properties: both have every key with the same values, and in German the terminal's
 * views, usage errors, facilitate's live table and corrections, bots' lines and TLS refusals show
 * no English sentence and write decimals with a comma.
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
        for (String line : part.split("\n")) {
          String words = line.strip();
          if (words.matches(".*[a-z]+ [a-z]+.*")
              && !german.getProperty(key).contains(words)
              && output.contains(words)) {
            found.add(key + ": " + words);
          }
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

  private static String germanError(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("QUARTERDECK_LANG", "de"));
    assertEquals(2, code, err.toString(StandardCharsets.UTF_8));
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void germanUsageErrorsAreGerman() throws IOException {
    String unknown = germanError("play", "--server", "ws://127.0.0.1:1/ws", "--colour");
    assertTrue(unknown.contains("Unbekannte Option: '--colour'"), unknown);
    assertEquals(List.of(), englishIn(unknown), unknown);

    String missing = germanError("play", "--join", "ABC", "--name", "Ana");
    assertTrue(missing.contains("fehlt: --server"), missing);
    assertEquals(List.of(), englishIn(missing), missing);

    String badValue = germanError("play", "--server", "ws://127.0.0.1:1/ws", "--team", "zwei");
    assertTrue(badValue.contains("Ungültiger Wert für --team: 'zwei'"), badValue);
    assertEquals(List.of(), englishIn(badValue), badValue);

    String outOfRange =
        germanError(
            "play",
            "--server",
            "ws://127.0.0.1:1/ws",
            "--join",
            "A",
            "--name",
            "B",
            "--team",
            "99");
    assertTrue(outOfRange.contains("--team muss zwischen 0 und 60 liegen, war 99"), outOfRange);
    assertEquals(List.of(), englishIn(outOfRange), outOfRange);
  }

  /** The views a player reads after a turn, a quarter and the game, in German. */
  @Test
  void germanTerminalViewsAreGerman() throws IOException {
    Views views = new Views(new Texts(UsageLanguage.bundle(Texts.BUNDLE, Locale.GERMAN)));
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
    views.report(
        out,
        TurnReport.newBuilder()
            .setTurn(2)
            .setDefaulted(true)
            .addChanges(
                VariableChange.newBuilder()
                    .setName("morale")
                    .setLabel("Moral")
                    .setBefore(0.5)
                    .setAfter(0.75)
                    .addContributions(
                        Contribution.newBuilder()
                            .setLabel("Coaching")
                            .setDelta(0.25)
                            .setFromTurn(1)))
            .build());
    views.quarter(
        out,
        QuarterClosed.newBuilder()
            .setQuarter(1)
            .setResults(12.5)
            .setTarget(10)
            .setTargetMet(true)
            .addStandings(
                Standing.newBuilder().setRank(1).setName("Rot").setResults(12.5).setScore(3.25))
            .build());
    views.ended(
        out,
        SessionEnded.newBuilder()
            .addScores(FinalScore.newBuilder().setName("Rot").setScore(42.5))
            .addDebrief("Rot: Punkte 42,5")
            .build());
    views.lobby(
        out,
        LobbyUpdate.newBuilder()
            .addSeats(LobbySeat.newBuilder().setTeam(0).setHat(Hat.LEADER).setDisplayName("Ana"))
            .addSeats(LobbySeat.newBuilder().setTeam(1).setBot(true).setBotStrategy("adaptive"))
            .addSeats(LobbySeat.newBuilder().setTeam(2))
            .build());
    String text = sink.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("Quartal 1 abgeschlossen"), text);
    assertTrue(text.contains("Ziel ERREICHT"), text);
    assertTrue(text.contains("12,5"), "a German decimal comma: " + text);
    assertTrue(text.contains("(aus Runde 1)"), text);
    assertTrue(text.contains("Team 3: frei"), text);
    assertTrue(!text.contains("12.5"), "no decimal point: " + text);
    assertEquals(List.of(), englishIn(text), text);
  }

  private record Run(int code, String out, String err) {
    String both() {
      return out + err;
    }
  }

  private static Run german(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("QUARTERDECK_LANG", "de"));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Texts germanTexts() {
    return new Texts(UsageLanguage.bundle(Texts.BUNDLE, Locale.GERMAN));
  }

  /** What facilitate says to a mistyped command, and its usage errors, in German. */
  @Test
  void germanFacilitatorCorrectionsAreGerman() throws IOException {
    Texts texts = germanTexts();
    StringBuilder said = new StringBuilder();
    for (Runnable mistyped :
        List.<Runnable>of(
            () -> FacilitateCommand.nextTimeOfDay("viertel nach", java.time.ZonedDateTime.now()),
            () -> FacilitateCommand.assignment(List.of("assign", "1/koch", "2")),
            () -> FacilitateCommand.assignment(List.of("assign", "eins", "2")),
            () -> FacilitateCommand.assignment(List.of("assign", "1")))) {
      FacilitateCommand.Correction c =
          org.junit.jupiter.api.Assertions.assertThrows(
              FacilitateCommand.Correction.class, mistyped::run);
      said.append(texts.say(c.key, c.values)).append('\n');
    }
    String text = said.toString();
    assertTrue(text.contains("'viertel nach' ist keine Uhrzeit; so: until HH:MM"), text);
    assertTrue(text.contains("'koch' ist kein Hut"), text);
    assertTrue(text.contains("'eins' ist keine ganze Zahl; so: assign"), text);
    assertTrue(text.contains("so: assign TEAM[/HAT]"), text);
    assertEquals(List.of(), englishIn(text), text);

    FacilitateCommand.Correction kick =
        org.junit.jupiter.api.Assertions.assertThrows(
            FacilitateCommand.Correction.class, () -> FacilitateCommand.hat("koch"));
    said.append(texts.say(kick.key, kick.values)).append('\n');
    ByteArrayOutputStream typed = new ByteArrayOutputStream();
    new Console(new Views(texts))
        .command("broadcast \"Grippe", new PrintStream(typed, true, StandardCharsets.UTF_8));
    said.append(typed.toString(StandardCharsets.UTF_8));
    text = said.toString();
    assertTrue(text.contains("ein Anführungszeichen ist nicht geschlossen"), text);
    assertEquals(List.of(), englishIn(text), text);

    Run unreadable =
        german(
            "facilitate",
            "--server",
            "ws://127.0.0.1:1/ws",
            "--create",
            "--scenario-file",
            "/no/such/scenario.textproto");
    assertEquals(2, unreadable.code(), unreadable.both());
    assertTrue(
        unreadable.err().contains("die Szenariodatei /no/such/scenario.textproto lässt sich nicht"),
        unreadable.err());
    assertEquals(List.of(), englishIn(unreadable.both()), unreadable.both());

    Run both = german("facilitate", "--server", "ws://127.0.0.1:1/ws", "--create", "--token", "T");
    assertEquals(2, both.code(), both.both());
    assertTrue(both.err().contains("entweder --create oder --token TOKEN angeben"), both.err());
    assertEquals(List.of(), englishIn(both.both()), both.both());
  }

  /** The facilitator's replay summary in German: turns, decisions, a team's hours. */
  @Test
  void germanReplaySummaryIsGerman() throws IOException {
    Texts texts = germanTexts();
    org.quarterdeck.protocol.v1.Replay replay =
        org.quarterdeck.protocol.v1.Replay.newBuilder()
            .setSessionId("s-1")
            .addFrames(
                org.quarterdeck.protocol.v1.ReplayFrame.newBuilder()
                    .setTurn(1)
                    .setStateHash("0123456789abcdef")
                    .addDecisions(
                        org.quarterdeck.protocol.v1.TeamDecision.newBuilder()
                            .setTeam(0)
                            .setHat(Hat.LEADER)
                            .setDefaulted(true)
                            .setDecision(
                                org.quarterdeck.protocol.v1.Decision.newBuilder()
                                    .addHours(
                                        org.quarterdeck.protocol.v1.ActHours.newBuilder()
                                            .setAct("coach")
                                            .setHours(12.5)))))
            .build();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    ReplayExport.summary(
        new PrintStream(sink, true, StandardCharsets.UTF_8), replay, new Views(texts), texts);
    String text = sink.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("Wiederholung von s-1: 1 Runde(n)"), text);
    assertTrue(
        text.contains("Runde 1: 1 Entscheidung(en), 0 Ereignis(se), Zustand 0123456789ab"), text);
    assertTrue(text.contains("    Team 1 Führung: 12,5 h (Standard)"), text);
    assertEquals(List.of(), englishIn(text), text);
  }

  /** The facilitator's live table in German: its header, columns and a bot's seat. */
  @Test
  void germanLiveTableIsGerman() throws IOException {
    Texts texts = germanTexts();
    LiveView view =
        LiveView.newBuilder()
            .setPhase(Phase.TURN_OPEN)
            .setTurn(3)
            .addTeams(
                LiveTeam.newBuilder()
                    .setTeam(
                        TeamView.newBuilder()
                            .setName("Rot")
                            .setBot(true)
                            .addVariables(Variable.newBuilder().setName("morale").setValue(0.5)))
                    .setSubmitted(1)
                    .setSeats(2))
            .build();
    String text =
        String.join(
            "\n",
            FacilitateCommand.compactLive(
                texts.say("facilitate.live", view.getPhase(), view.getTurn()),
                view,
                new Views(texts),
                texts));
    assertTrue(text.contains("Runde 3"), text);
    assertTrue(text.contains("abgegeben"), text);
    assertTrue(text.contains("(Bot)"), text);
    assertTrue(text.contains("0,50"), "a German decimal comma: " + text);
    assertEquals(List.of(), englishIn(text), text);
  }

  /** bots in German when it cannot seat anyone: the failure, the count and the end. */
  @Test
  void germanBotsRunIsGerman() throws IOException {
    Run run =
        german(
            "bots", "--server", "ws://127.0.0.1:1/ws", "--join", "ABC", "--strategy", "balanced");
    assertEquals(1, run.code(), run.both());
    assertTrue(run.err().contains("bot-1: der Server ist nicht erreichbar"), run.err());
    assertTrue(run.out().contains("0 Bot(s) sitzen"), run.out());
    assertTrue(run.out().contains("Die Sitzung ist beendet."), run.out());
    assertEquals(List.of(), englishIn(run.both()), run.both());
  }

  /** A --trust-cert that cannot be used and a refused certificate, said in German. */
  @Test
  void germanTlsRefusalsAreGerman() throws IOException {
    Run unreadable =
        german(
            "play",
            "--server",
            "wss://127.0.0.1:1/ws",
            "--trust-cert",
            "/no/such/ca.pem",
            "--join",
            "ABC",
            "--name",
            "Ana");
    assertEquals(1, unreadable.code(), unreadable.both());
    assertTrue(
        unreadable.err().contains("Zertifikat /no/such/ca.pem lässt sich nicht lesen"),
        unreadable.err());
    assertEquals(List.of(), englishIn(unreadable.both()), unreadable.both());

    Views views = new Views(germanTexts());
    java.security.cert.CertificateException cause =
        new java.security.cert.CertificateException("PKIX path building failed");
    String untrusted = views.refusal(ClientTls.handshakeFailed("host:443", cause, null));
    assertTrue(untrusted.contains("TLS-Handshake mit host:443 gescheitert"), untrusted);
    assertTrue(untrusted.contains("--trust-cert DATEI"), untrusted);
    String notSigned =
        views.refusal(
            ClientTls.handshakeFailed("host:443", cause, java.nio.file.Path.of("ca.pem")));
    assertTrue(notSigned.contains("nicht von ca.pem signiert"), notSigned);
    String other =
        views.refusal(
            new java.util.concurrent.ExecutionException(
                ClientTls.handshakeFailed(
                    "host:443", new javax.net.ssl.SSLException("protocol_version"), null)));
    assertTrue(other.equals("TLS-Handshake mit host:443 gescheitert: protocol_version"), other);
    String text = untrusted + notSigned + other;
    assertEquals(List.of(), englishIn(text), text);
  }

  /** The load generator's Formatter patterns: a value's place is a conversion such as %.1f. */
  private static final Pattern CONVERSION = Pattern.compile("%[-0-9.]*[a-zA-Z%]");

  private static final String LOAD = "/org/quarterdeck/client/load/";

  private static List<String> conversions(String pattern) {
    return CONVERSION.matcher(pattern).results().map(m -> m.group()).toList();
  }

  @Test
  void loadsGermanHasEveryKeyOfEnglishWithTheSameConversions() throws IOException {
    Properties english = bundle(LOAD + "Texts.properties");
    Properties german = bundle(LOAD + "Texts_de.properties");
    assertEquals(english.stringPropertyNames(), german.stringPropertyNames());
    for (String key : english.stringPropertyNames()) {
      assertEquals(
          conversions(english.getProperty(key)),
          conversions(german.getProperty(key)),
          key + ": values differ");
    }
  }

  /** Every English stretch of two words or more of load's bundle that {@code output} shows. */
  private static List<String> loadEnglishIn(String output) throws IOException {
    Properties english = bundle(LOAD + "Texts.properties");
    Properties german = bundle(LOAD + "Texts_de.properties");
    List<String> found = new ArrayList<>();
    for (String key : new TreeSet<>(english.stringPropertyNames())) {
      for (String part : CONVERSION.split(english.getProperty(key))) {
        String words = part.strip();
        if (words.matches(".*[a-z]+ [a-z]+.*")
            && !german.getProperty(key).contains(words)
            && output.contains(words)) {
          found.add(key + ": " + words);
        }
      }
    }
    return found;
  }

  /** load in German against a closed port: its header and its failure line, no English sentence. */
  @Test
  void germanLoadIsGerman() throws IOException {
    Run run =
        german(
            "load",
            "--server",
            "ws://127.0.0.1:1/ws",
            "--players",
            "2",
            "--sessions",
            "1",
            "--timeout-seconds",
            "5");
    assertEquals(1, run.code(), run.both());
    assertTrue(run.out().contains("2 Spieler in 1 Sitzungen"), run.out());
    assertTrue(run.err().contains("load fehlgeschlagen: "), run.err());
    assertEquals(List.of(), loadEnglishIn(run.both()), run.both());
    assertEquals(List.of(), englishIn(run.both()), run.both());

    String usage = germanError("load", "--server", "ws://127.0.0.1:1/ws", "--players", "0");
    assertTrue(usage.contains("--players muss positiv sein, war 0"), usage);
    assertEquals(List.of(), loadEnglishIn(usage), usage);
  }

  /** load's own checks of its options, in German: options that do not go together. */
  @Test
  void germanLoadOptionConflictsAreGerman() throws IOException {
    String multiple =
        germanError("load", "--server", "ws://127.0.0.1:1/ws", "--players", "5", "--sessions", "2");
    assertTrue(multiple.contains("--players muss ein Vielfaches von --sessions sein"), multiple);
    String json = germanError("load", "--server", "tcp://127.0.0.1:1", "--json");
    assertTrue(json.contains("--json braucht einen ws://-Server"), json);
    String nowhere = germanError("load", "--players", "2", "--sessions", "1");
    assertTrue(nowhere.contains("--server (oder --echo) fehlt"), nowhere);
    String address = germanError("load", "--server", "http://127.0.0.1:1/");
    assertTrue(address.contains("nicht unterstützte Adresse http://127.0.0.1:1/"), address);
    String all = multiple + json + nowhere + address;
    assertEquals(List.of(), loadEnglishIn(all), all);
    assertEquals(List.of(), englishIn(all), all);
  }

  /**
   * load against a server that takes the connection and never answers: the setup stalls, and the
   * failure line says so in German (the generator's own reason, not a Java exception's name).
   */
  @Test
  void germanStalledSetupIsGerman() throws IOException {
    try (java.net.ServerSocket silent =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Run run =
          german(
              "load",
              "--server",
              "tcp://127.0.0.1:" + silent.getLocalPort(),
              "--players",
              "2",
              "--sessions",
              "1",
              "--timeout-seconds",
              "1");
      assertEquals(1, run.code(), run.both());
      assertTrue(
          run.err().contains("load fehlgeschlagen: Aufbau hängt: kein Fortschritt in 1000 ms"),
          run.err());
      assertTrue(!run.err().contains("Exception"), "no stack trace: " + run.err());
      assertEquals(List.of(), loadEnglishIn(run.both()), run.both());
    }
  }

  /** A refused --strategy of bots and an address the client cannot use, in German. */
  @Test
  void germanStrategyAndAddressRefusalsAreGerman() throws IOException {
    String strategy =
        germanError(
            "bots", "--server", "ws://127.0.0.1:1/ws", "--join", "ABC", "--strategy", "golfer");
    assertTrue(strategy.contains("--strategy: unbekannte Strategie 'golfer'"), strategy);
    String share =
        germanError(
            "bots", "--server", "ws://127.0.0.1:1/ws", "--join", "ABC", "--strategy", "static:2");
    assertTrue(share.contains("static:S braucht einen Anteil S zwischen 0 und 1"), share);
    Run address = german("play", "--server", "localhost:8080", "--join", "ABC", "--name", "Ana");
    assertEquals(1, address.code(), address.both());
    assertTrue(address.err().contains("die Adresse localhost:8080 geht nicht"), address.err());
    String all = strategy + share + address.both();
    assertEquals(List.of(), englishIn(all), all);
  }
}

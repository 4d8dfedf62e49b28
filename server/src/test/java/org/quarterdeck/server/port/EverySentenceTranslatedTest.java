package org.quarterdeck.server.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quarterdeck.server.bot.Strategies;

/**
 * No sentence reaches a person in English silently: every place in the server's sources that raises
 * an error, says goodbye or rejects a decision (a typed {@code ErrorCode}, {@code Goodbye.Reason}
 * or {@code RejectionCode} followed by its sentence) is read, its sentence is rebuilt with a
 * stand-in for each value, and the German phrasebook must translate it. A new English-only sentence
 * fails here until {@code ErrorTexts*.properties} has its pattern.
 */
class EverySentenceTranslatedTest {
  private static final Path SOURCES = Path.of("src", "main", "java");

  /**
   * A typed code and the comma after it: the sentence is the next argument. Or a helper that takes
   * the sentence as its fourth argument: {@code FacilitatorDesk.refuse(c, rid, address, why)}.
   */
  private static final Pattern SITE =
      Pattern.compile(
          "\\b(ErrorCode|Goodbye\\.Reason|RejectionCode)\\.([A-Z_]+)\\s*,|\\b(refuse)\\((?=c,)");

  private static final Pattern FORMAT_SPEC = Pattern.compile("%[-#+ 0,(]*\\d*(\\.\\d+)?[a-zA-Z]");

  /** What a value stands as: digits and a point, so that numbers in patterns are exercised too. */
  private static final String VALUE = "7.5";

  /**
   * Sites whose sentence is made elsewhere, each with where: the test reads those places instead. A
   * new site that passes a sentence it did not write must be added here with its reason.
   */
  private static final Map<String, String> MADE_ELSEWHERE =
      Map.ofEntries(
          Map.entry("bad.message()", "a FrameError written at a typed site in net/"),
          Map.entry("e.message()", "a FrameError written at a typed site in net/"),
          Map.entry("message", "a sentence passed on by the method's caller, a typed site"),
          Map.entry("why", "FacilitatorDesk.refuse's callers, scanned as refuse(...) sites"),
          Map.entry(
              "failure + error.getMessage()",
              "FacilitatorDesk.answerWhen's callers: facilitator.archive, facilitator.open-later"),
          Map.entry("shape.get().message()", "DecisionShape, worded as the decision.* patterns"),
          Map.entry("rejection.code() + \": \" + rejection.message()", "the engine's Verdicts"),
          // Known gaps, English where no pattern happens to match: an exception's message from
          // WireMapping (injected events), scenario validation and the session limits, and
          // Netty's own WebSocket protocol errors. Strategies.parse's (bot names) are checked in
          // everyStrategyRefusalHasAGermanPattern below.
          Map.entry("e.getMessage()", "an IllegalArgumentException's message: not scanned"),
          Map.entry("cause.getMessage()", "Netty's WebSocket decoder: not ours to word"));

  record Sentence(String where, String code, String english) {}

  @Test
  void everyRaisedSentenceHasAGermanPattern() throws IOException {
    List<Sentence> sentences = sentences();
    assertTrue(sentences.size() > 100, "the scan found the raising sites: " + sentences.size());
    Map<String, String> untranslated = new TreeMap<>();
    for (Sentence s : sentences) {
      if (ServerTexts.ERRORS.translate(s.english(), "de").equals(s.english())) {
        untranslated.put(s.where(), s.english());
      }
    }
    assertEquals(
        Map.of(),
        untranslated,
        "sentences with no pattern in ErrorTexts.properties / ErrorTexts_de.properties");
  }

  /**
   * A refused bot strategy reaches a person as an exception's message, alone (assign_seat) or after
   * the field it came in (create_session's settings, what_if): every {@link Strategies.Refusal} has
   * a German pattern in each place. A new refusal fails here until it has a sample name.
   */
  @Test
  void everyStrategyRefusalHasAGermanPattern() {
    Map<Strategies.Refusal, String> samples =
        Map.of(
            Strategies.Refusal.UNKNOWN, "golfer",
            Strategies.Refusal.SHARE_NOT_A_NUMBER, "static:half",
            Strategies.Refusal.SHARE_OUT_OF_RANGE, "static:1.5");
    assertEquals(EnumSet.allOf(Strategies.Refusal.class), EnumSet.copyOf(samples.keySet()));
    Map<String, String> untranslated = new TreeMap<>();
    for (Map.Entry<Strategies.Refusal, String> sample : samples.entrySet()) {
      Strategies.Refused refused =
          assertThrows(Strategies.Refused.class, () -> Strategies.parse(sample.getValue()));
      assertEquals(sample.getKey(), refused.reason());
      for (String field : List.of("", "settings.bot_strategies[2]: ", "what_if.changes: ")) {
        String english = field + refused.getMessage();
        String german = ServerTexts.ERRORS.translate(english, "de");
        if (german.equals(english) || german.contains("strategy")) {
          untranslated.put(sample.getKey() + " " + field, german);
        }
      }
    }
    assertEquals(Map.of(), untranslated, "refusals with no German pattern in ErrorTexts");
    assertEquals(
        "settings.bot_strategies[2]: der Anteil von static muss in [0, 1] liegen: 1,5",
        ServerTexts.ERRORS.translate(
            "settings.bot_strategies[2]: static share must be in [0, 1]: 1.5", "de"));
  }

  @Test
  void aNewEnglishOnlySentenceWouldBeFound() {
    String source =
        "connection.sendError(id, ErrorCode.NOT_FOUND, \"no \" + what + \" in the hold today\");";
    List<Sentence> found = new ArrayList<>();
    scan("Example.java", source, found);
    assertEquals(
        List.of(new Sentence("Example.java:1", "NOT_FOUND", "no 7.5 in the hold today")), found);
    assertEquals(
        "no 7.5 in the hold today",
        ServerTexts.ERRORS.translate(found.get(0).english(), "de"),
        "no pattern, so the test above would list it");
  }

  @Test
  void decimalValuesTakeTheLanguagesComma() {
    assertEquals(
        "OVER_BUDGET: 42,5 Stunden gebucht, aber nur 40 verfügbar (38,5 frei + 1,5 Überstunden)",
        ServerTexts.ERRORS.translate(
            "OVER_BUDGET: 42.5 hours booked but only 40 are available (38.5 free + 1.5"
                + " overtime)",
            "de"));
    // A dotted address or version is no decimal number.
    assertEquals(
        "127.0.0.1 und 1.2.3 bleiben",
        ServerTexts.ERRORS.numbersIn("127.0.0.1 und 1.2.3 bleiben", "de"));
    assertEquals("2.5", ServerTexts.ERRORS.numbersIn("2.5", "en"));
  }

  private static List<Sentence> sentences() throws IOException {
    assertTrue(Files.isDirectory(SOURCES), "run from the server module: " + SOURCES);
    List<Sentence> found = new ArrayList<>();
    TreeSet<String> unexplained = new TreeSet<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String where = SOURCES.relativize(file).toString();
        for (String made : scan(where, text, found)) {
          if (!MADE_ELSEWHERE.containsKey(made)) {
            unexplained.add(where + ": " + made);
          }
        }
      }
    }
    assertEquals(
        new TreeSet<String>(),
        unexplained,
        "sites that send a sentence written elsewhere: say where in MADE_ELSEWHERE");
    return found;
  }

  /**
   * Adds the sentence of each raising site in {@code text} to {@code found}; returns the arguments
   * that hold no text of their own (a variable or a call), which the caller checks against {@link
   * #MADE_ELSEWHERE}.
   */
  private static List<String> scan(String where, String text, List<Sentence> found) {
    List<String> madeElsewhere = new ArrayList<>();
    Matcher m = SITE.matcher(text);
    while (m.find()) {
      int at = m.end();
      String kind = m.group(3) != null ? m.group(3) : m.group(1);
      String code = m.group(3) != null ? "UNAUTHENTICATED" : m.group(2);
      int skip = kind.equals("RejectionCode") ? 1 : kind.equals("refuse") ? 3 : 0;
      for (int i = 0; i < skip; i++) {
        at = argumentEnd(text, at) + 1; // the arguments before the sentence
      }
      int end = argumentEnd(text, at);
      String argument = text.substring(at, end).strip();
      if (end < text.length() && text.charAt(end) == ',' && isField(argument)) {
        // error(c, rid, CODE, "field.name", sentence): the sentence follows the field
        at = end + 1;
        end = argumentEnd(text, at);
        argument = text.substring(at, end).strip();
      }
      int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
      String prefix = kind.equals("RejectionCode") ? code + ": " : "";
      if (MADE_ELSEWHERE.containsKey(argument.replaceAll("\\s+", " "))) {
        madeElsewhere.add(argument.replaceAll("\\s+", " "));
        continue;
      }
      for (String branch : branches(argument)) {
        String english = sentenceOf(branch);
        if (english == null) {
          madeElsewhere.add(branch.replaceAll("\\s+", " "));
        } else {
          found.add(new Sentence(where + ":" + line, code, prefix + english));
        }
      }
    }
    return madeElsewhere;
  }

  /** Where the argument starting at {@code from} ends: its comma or the call's closing bracket. */
  private static int argumentEnd(String text, int from) {
    int depth = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\'') {
        i = literalEnd(text, i);
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) {
          return i;
        }
        depth--;
      } else if (c == ',' && depth == 0) {
        return i;
      }
    }
    return text.length();
  }

  private static int literalEnd(String text, int open) {
    char quote = text.charAt(open);
    for (int i = open + 1; i < text.length(); i++) {
      if (text.charAt(i) == '\\') {
        i++;
      } else if (text.charAt(i) == quote) {
        return i;
      }
    }
    return text.length();
  }

  /** A field name such as {@code "join_session.preferred_team"}: a literal first, no space. */
  private static boolean isField(String argument) {
    String sentence = sentenceOf(argument);
    return sentence != null && argument.startsWith("\"") && !sentence.contains(" ");
  }

  /** The outcomes of a top-level {@code cond ? a : b} (each may nest), else the argument itself. */
  private static List<String> branches(String argument) {
    int depth = 0;
    int question = -1;
    int nested = 0;
    for (int i = 0; i < argument.length(); i++) {
      char c = argument.charAt(i);
      if (c == '"' || c == '\'') {
        i = literalEnd(argument, i);
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (depth == 0 && c == '?') {
        if (question < 0) {
          question = i;
        } else {
          nested++;
        }
      } else if (depth == 0 && c == ':' && question >= 0) {
        if (nested > 0) {
          nested--;
        } else {
          List<String> out = new ArrayList<>(branches(argument.substring(question + 1, i).strip()));
          out.addAll(branches(argument.substring(i + 1).strip()));
          return out;
        }
      }
    }
    return List.of(argument);
  }

  /**
   * The sentence an argument makes, each value replaced by {@link #VALUE}; null when it holds no
   * string literal of its own.
   */
  private static String sentenceOf(String argument) {
    if (argument.startsWith("String.format(")) {
      String inner = argument.substring("String.format(".length()).strip();
      String first = inner.substring(0, argumentEnd(inner, 0)).strip();
      if (first.startsWith("Locale.")) {
        inner = inner.substring(argumentEnd(inner, 0) + 1).strip();
        first = inner.substring(0, argumentEnd(inner, 0)).strip();
      }
      String pattern = sentenceOf(first);
      return pattern == null ? null : FORMAT_SPEC.matcher(pattern).replaceAll(VALUE);
    }
    StringBuilder sentence = new StringBuilder();
    boolean literal = false;
    for (String operand : operands(argument)) {
      if (operand.startsWith("\"") && operand.endsWith("\"") && operand.length() >= 2) {
        sentence.append(unescape(operand.substring(1, operand.length() - 1)));
        literal = true;
      } else if (!sentence.toString().endsWith(VALUE)) {
        sentence.append(VALUE);
      }
    }
    return literal ? sentence.toString() : null;
  }

  /** The operands of a top-level {@code +} chain. */
  private static List<String> operands(String expression) {
    List<String> operands = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (c == '"' || c == '\'') {
        i = literalEnd(expression, i);
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (c == '+' && depth == 0) {
        operands.add(expression.substring(start, i).strip());
        start = i + 1;
      }
    }
    operands.add(expression.substring(start).strip());
    return operands;
  }

  private static String unescape(String s) {
    Matcher unicode = Pattern.compile("\\\\u([0-9a-fA-F]{4})").matcher(s);
    StringBuilder out = new StringBuilder();
    while (unicode.find()) {
      unicode.appendReplacement(
          out,
          Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(unicode.group(1), 16))));
    }
    unicode.appendTail(out);
    return out.toString()
        .replace("\\\"", "\"")
        .replace("\\'", "'")
        .replace("\\n", "\n")
        .replace("\\\\", "\\");
  }
}

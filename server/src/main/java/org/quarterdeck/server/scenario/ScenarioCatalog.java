package org.quarterdeck.server.scenario;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TextFormatParseInfoTree;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.quarterdeck.protocol.v1.Scenario;
import org.quarterdeck.server.engine.Rules;

/**
 * Lists and loads scenarios: the built-ins shipped in the jar (by name), files, and text uploaded
 * by a facilitator. Text format ({@code .textproto}, {@code #} comments) or proto3 JSON ({@code
 * .json}, or any text starting with '{'). Every load parses, validates and compiles; any problem
 * throws a {@link ScenarioException} naming source, line and field.
 */
public final class ScenarioCatalog {
  /** Built-in scenarios; the first is the default. */
  private static final List<String> BUILT_INS =
      List.of("market-year", "disruption", "two-hats", "company");

  /**
   * Built-ins already loaded: a loaded scenario and its rules are immutable, so sessions share
   * them.
   */
  private static final Map<String, LoadedScenario> LOADED = new ConcurrentHashMap<>();

  /**
   * Scenarios parsed from session logs' text, by SHA-256: thousands of logs of one uploaded
   * scenario are parsed, validated and compiled once at start, not once each.
   */
  private static final LoggedScenarios LOGGED = new LoggedScenarios(64);

  private ScenarioCatalog() {}

  /**
   * Languages a scenario may have a side file for ({@code NAME.de.json}); the server's own language
   * list (port.Languages) less English, which the scenario itself is written in.
   */
  public static final List<String> TRANSLATED_LANGUAGES = List.of("de");

  /** Names of the built-in scenarios, the default first. */
  public static List<String> builtInNames() {
    return BUILT_INS;
  }

  /** The default scenario's name. */
  public static String defaultName() {
    return BUILT_INS.get(0);
  }

  /** Loads a built-in scenario by name. */
  public static LoadedScenario builtIn(String name) throws ScenarioException {
    requireNonNull(name, "name");
    if (!BUILT_INS.contains(name)) {
      throw single(name, "name", "no built-in scenario '" + name + "'; built-ins: " + BUILT_INS);
    }
    LoadedScenario loaded = LOADED.get(name);
    if (loaded != null) {
      return loaded;
    }
    String resource = builtInResource(name);
    try (InputStream in = ScenarioCatalog.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw single(resource, "name", "built-in scenario resource is missing");
      }
      loaded = fromText(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      for (String language : TRANSLATED_LANGUAGES) {
        String side = "/scenarios/" + name + "." + language + ".json";
        try (InputStream text = ScenarioCatalog.class.getResourceAsStream(side)) {
          if (text != null) {
            loaded =
                loaded.with(
                    ScenarioTranslation.parse(
                        side,
                        language,
                        new String(text.readAllBytes(), StandardCharsets.UTF_8),
                        loaded.scenario()));
          }
        }
      }
      LOADED.putIfAbsent(name, loaded);
      return loaded;
    } catch (IOException e) {
      throw single(resource, "name", "cannot read: " + e.getMessage());
    }
  }

  /** The built-in a scenario source names ("/scenarios/NAME.textproto"), if it names one. */
  public static java.util.Optional<String> builtInNameOf(String source) {
    for (String name : BUILT_INS) {
      if (source.equals(builtInResource(name))) {
        return java.util.Optional.of(name);
      }
    }
    return java.util.Optional.empty();
  }

  private static String builtInResource(String name) {
    return "/scenarios/" + name + ".textproto";
  }

  /**
   * Digests already computed, by scenario (weakly: a custom scenario's entry goes with it).
   * Printing a scenario as text is most of the cost of rebuilding a session from its log (twice per
   * rebuild, measured with JFR during a cluster takeover), and built-in scenarios are shared
   * instances.
   */
  private static final java.util.Map<Scenario, String> DIGESTS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /** Lowercase hex SHA-256 of a scenario's canonical text, as a session log pins it. */
  public static String sha256(Scenario scenario) {
    requireNonNull(scenario, "scenario");
    String known = DIGESTS.get(scenario);
    if (known != null) {
      return known;
    }
    String digest = digest(scenario);
    DIGESTS.put(scenario, digest);
    return digest;
  }

  private static String digest(Scenario scenario) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(
                  TextFormat.printer().printToString(scenario).getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * The scenario a session log was played with: its logged text, or, when the log keeps none (a
   * built-in), the built-in its source names, provided its content still has the logged hash.
   */
  public static LoadedScenario forLog(String source, String text, String sha256)
      throws ScenarioException {
    requireNonNull(source, "source");
    requireNonNull(text, "text");
    requireNonNull(sha256, "sha256");
    if (!text.isEmpty()) {
      return LOGGED.load(source, text, sha256);
    }
    String name =
        builtInNameOf(source)
            .orElseThrow(
                () ->
                    single(
                        source,
                        "scenario_text",
                        "the log keeps no scenario text and names no built-in scenario"));
    LoadedScenario loaded = builtIn(name);
    if (!sha256(loaded.scenario()).equals(sha256)) {
      throw single(
          source,
          "scenario_sha256",
          "built-in scenario '"
              + name
              + "' has changed"
              + " since this session was recorded (logged SHA-256 "
              + sha256
              + ")");
    }
    return loaded;
  }

  /** Loads a built-in by name, or else a file at that path. */
  public static LoadedScenario byNameOrFile(String nameOrPath) throws ScenarioException {
    if (BUILT_INS.contains(nameOrPath)) {
      return builtIn(nameOrPath);
    }
    Path path = Path.of(nameOrPath);
    if (!Files.exists(path)) {
      throw single(
          nameOrPath,
          "scenario",
          "neither a built-in scenario " + BUILT_INS + " nor an existing file");
    }
    return fromFile(path);
  }

  /** Loads a scenario file. */
  public static LoadedScenario fromFile(Path path) throws ScenarioException {
    requireNonNull(path, "path");
    LoadedScenario loaded;
    try {
      loaded = fromText(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw single(path.toString(), "scenario", "cannot read file: " + e.getMessage());
    }
    String file = path.getFileName().toString();
    int dot = file.lastIndexOf('.');
    String stem = dot > 0 ? file.substring(0, dot) : file;
    for (String language : TRANSLATED_LANGUAGES) {
      Path side = path.resolveSibling(stem + "." + language + ".json");
      if (Files.isRegularFile(side)) {
        try {
          loaded =
              loaded.with(
                  ScenarioTranslation.parse(
                      side.toString(),
                      language,
                      Files.readString(side, StandardCharsets.UTF_8),
                      loaded.scenario()));
        } catch (IOException e) {
          throw single(side.toString(), "translation", "cannot read file: " + e.getMessage());
        }
      }
    }
    return loaded;
  }

  /**
   * Loads scenario text, e.g. uploaded by a facilitator.
   *
   * @param source a name for error messages (file name or "upload")
   */
  public static LoadedScenario fromText(String source, String text) throws ScenarioException {
    requireNonNull(source, "source");
    requireNonNull(text, "text");
    boolean json = source.endsWith(".json") || text.stripLeading().startsWith("{");
    Scenario.Builder builder = Scenario.newBuilder();
    TextFormatParseInfoTree tree = null;
    if (json) {
      try {
        JsonFormat.parser().merge(text, builder);
      } catch (InvalidProtocolBufferException e) {
        throw single(source, "scenario", "invalid JSON: " + e.getMessage());
      }
    } else {
      TextFormatParseInfoTree.Builder treeBuilder = TextFormatParseInfoTree.builder();
      TextFormat.Parser parser =
          TextFormat.Parser.newBuilder()
              .setParseInfoTreeBuilder(treeBuilder)
              .setSingularOverwritePolicy(
                  TextFormat.Parser.SingularOverwritePolicy.FORBID_SINGULAR_OVERWRITES)
              .build();
      try {
        parser.merge(text, builder);
      } catch (TextFormat.ParseException e) {
        String field = fieldIn(e.getMessage());
        String message =
            e.getMessage().contains("unknown fields")
                ? "unknown field '" + field + "'"
                : e.getMessage();
        throw new ScenarioException(
            List.of(new ScenarioProblem(source, e.getLine(), e.getColumn(), field, message)));
      }
      tree = treeBuilder.build();
    }
    Scenario scenario = builder.build();
    FieldLocator locator = new FieldLocator(text);
    List<ScenarioProblem> problems =
        new ScenarioValidator(source, locator)
            .validate(scenario, locator.root(tree, Scenario.getDescriptor()));
    if (!problems.isEmpty()) {
      throw new ScenarioException(problems);
    }
    try {
      return new LoadedScenario(source, scenario, new Rules(scenario));
    } catch (IllegalArgumentException e) {
      throw single(source, "scenario", e.getMessage());
    }
  }

  /** The field named in a parser message like "... has no field named \"x\"", if any. */
  private static String fieldIn(String message) {
    int tab = message.lastIndexOf('\t');
    if (message.contains("unknown fields") && tab >= 0) {
      String name = message.substring(tab + 1).trim();
      name = name.startsWith("quarterdeck.v1.") ? name.substring("quarterdeck.v1.".length()) : name;
      return name.startsWith("Scenario.") ? name.substring("Scenario.".length()) : name;
    }
    int i = message.indexOf("named \"");
    if (i >= 0) {
      int j = message.indexOf('"', i + 7);
      if (j > i) {
        return message.substring(i + 7, j);
      }
    }
    return "syntax";
  }

  private static ScenarioException single(String source, String field, String message) {
    return new ScenarioException(List.of(new ScenarioProblem(source, 0, 0, field, message)));
  }
}

package org.quarterdeck.server.simulate;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.bot.Strategy;
import org.quarterdeck.server.scenario.LoadedScenario;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.scenario.ScenarioException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code simulate}: a bot tournament without network. Each seed plays one session of the scenario,
 * in its mode, with one team per strategy; prints a table per strategy and optionally writes one
 * CSV row per (seed, strategy).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false)
public final class SimulateCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(names = "--scenario", paramLabel = "NAME|FILE", completionCandidates = BuiltIns.class)
  private String scenario = ScenarioCatalog.defaultName();

  @Option(
      names = "--strategies",
      defaultValue = "numbers,leader,balanced,adaptive,random",
      paramLabel = "S1,S2,...")
  private String strategies;

  private int seeds;

  @Option(names = "--csv", paramLabel = "FILE")
  private Path csv;

  @Option(names = "--seeds", defaultValue = "100", paramLabel = "N")
  void seeds(int value) {
    if (value < 1 || value > 100_000) {
      throw new ParameterException(spec.commandLine(), Texts.of(spec).say("usage.seeds", value));
    }
    seeds = value;
  }

  @Option(names = "--search")
  private boolean search;

  @Option(names = "--bounded")
  private boolean bounded;

  /** The built-in scenario names, for completion and help. */
  static final class BuiltIns implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return ScenarioCatalog.builtInNames().iterator();
    }
  }

  /**
   * Runs the command on its own (tests); the server's {@code Main} runs it as a subcommand.
   *
   * @param args the arguments after the word {@code simulate}
   * @return 0 on success, 2 for bad flags, 1 if the scenario or CSV file fails
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine line = new CommandLine(new SimulateCommand());
    line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    return line.execute(args);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Texts t = Texts.of(spec);
    if (bounded && !search) {
      throw new ParameterException(spec.commandLine(), t.say("usage.bounded"));
    }
    List<Strategy> parsed;
    try {
      parsed = Strategies.parseList(strategies);
    } catch (Strategies.Refused e) {
      throw new ParameterException(spec.commandLine(), t.say("usage.strategies", refusal(t, e)));
    }
    LoadedScenario loaded;
    try {
      loaded = ScenarioCatalog.byNameOrFile(scenario);
    } catch (ScenarioException e) {
      err.print(t.say("failed.scenario", e.getMessage()));
      err.flush(); // a PrintWriter flushes itself on println only
      return 1;
    }
    int min = Math.max(1, loaded.rules().scenario().getMinTeams());
    int max = loaded.rules().scenario().getMaxTeams();
    if (!search && (parsed.size() < min || (max > 0 && parsed.size() > max))) {
      // The engine would refuse the game in English; say it here, before any seed is played.
      throw new ParameterException(
          spec.commandLine(),
          t.say("usage.teams", loaded.id(), min, max > 0 ? max : "", parsed.size()));
    }
    if (search) {
      ModelAudit.Figures f =
          ModelAudit.run(
              loaded.rules(),
              bounded ? ExploitSearch.Settings.bounded() : ExploitSearch.Settings.full());
      out.print(ModelAudit.report(loaded.rules(), f, t));
      out.flush();
      return 0;
    }
    List<List<TeamOutcome>> all;
    try {
      all = Tournament.run(loaded.rules(), parsed, seeds);
    } catch (IllegalArgumentException e) {
      err.print(t.say("failed.run", e.getMessage()));
      err.flush(); // a PrintWriter flushes itself on println only
      return 1;
    }
    printTable(out, t, loaded, all);
    if (csv != null) {
      try {
        writeCsv(csv, all);
      } catch (IOException | RuntimeException e) {
        err.print(t.say("failed.csv", csv, e.getMessage()));
        out.flush();
        err.flush();
        return 1;
      }
      out.print(t.say("csv.wrote", all.size() * all.get(0).size(), csv));
    }
    out.flush();
    return 0;
  }

  /** Why a strategy name was refused, in the command line's language. */
  static String refusal(Texts t, Strategies.Refused refused) {
    String key =
        switch (refused.reason()) {
          case UNKNOWN -> "strategy.unknown";
          case SHARE_NOT_A_NUMBER -> "strategy.shareNotANumber";
          case SHARE_OUT_OF_RANGE -> "strategy.shareOutOfRange";
        };
    return t.say(key, refused.value(), String.join(", ", Strategies.NAMES));
  }

  static void printTable(PrintWriter out, Texts t, LoadedScenario sc, List<List<TeamOutcome>> all) {
    int teams = all.get(0).size();
    int quarters = all.get(0).get(0).quarters().size();
    out.print(t.say("table.title", sc.id(), sc.rules().mode(), all.size(), teams));
    out.print(t.say("table.legend"));
    StringBuilder head =
        new StringBuilder(
            String.format(
                Locale.ROOT, "%-14s %6s %5s %5s %5s", "strategy", "score", "sd", "min", "max"));
    for (int q = 1; q <= quarters; q++) {
      head.append(String.format(Locale.ROOT, " %9s", "Q" + q + "±sd"));
    }
    head.append(
        String.format(
            Locale.ROOT, " %5s %7s %5s %8s %5s", "hit%", "morale", "sd", "adoption", "sd"));
    out.println(head);
    for (int k = 0; k < teams; k++) {
      Stats score = new Stats();
      Stats morale = new Stats();
      Stats adoption = new Stats();
      Stats[] q = new Stats[quarters];
      for (int j = 0; j < quarters; j++) {
        q[j] = new Stats();
      }
      int hits = 0;
      for (List<TeamOutcome> seed : all) {
        TeamOutcome o = seed.get(k);
        score.add(o.score().score());
        morale.add(o.endMorale());
        adoption.add(o.endAdoption());
        for (int j = 0; j < quarters; j++) {
          q[j].add(o.results(j));
          hits += o.hit(j) ? 1 : 0;
        }
      }
      StringBuilder row =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%-14s %6.1f %5.1f %5.1f %5.1f",
                  all.get(0).get(k).strategy(),
                  score.mean(),
                  score.sd(),
                  score.min,
                  score.max));
      for (Stats s : q) {
        row.append(
            String.format(
                Locale.ROOT, " %9s", String.format(Locale.ROOT, "%.0f±%.0f", s.mean(), s.sd())));
      }
      row.append(
          String.format(
              Locale.ROOT,
              " %5.0f %7.1f %5.1f %8.3f %5.3f",
              100.0 * hits / (all.size() * quarters),
              morale.mean(),
              morale.sd(),
              adoption.mean(),
              adoption.sd()));
      out.println(row);
    }
  }

  static void writeCsv(Path path, List<List<TeamOutcome>> all) throws IOException {
    int quarters = all.get(0).get(0).quarters().size();
    List<String> header = new ArrayList<>(List.of("seed", "strategy", "score"));
    for (int q = 1; q <= quarters; q++) {
      header.add("results_q" + q);
    }
    for (int q = 1; q <= quarters; q++) {
      header.add("target_q" + q);
    }
    header.addAll(List.of("end_morale", "end_adoption", "end_capability", "end_integrity"));
    try (Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
      w.write(String.join(",", header));
      w.write('\n');
      for (List<TeamOutcome> seed : all) {
        for (TeamOutcome o : seed) {
          StringBuilder row = new StringBuilder();
          row.append(o.seed())
              .append(',')
              .append(o.strategy())
              .append(',')
              .append(num(o.score().score()));
          for (int q = 0; q < quarters; q++) {
            row.append(',').append(num(o.results(q)));
          }
          for (int q = 0; q < quarters; q++) {
            row.append(',').append(num(o.quarters().get(q).target()));
          }
          row.append(',')
              .append(num(o.endMorale()))
              .append(',')
              .append(num(o.endAdoption()))
              .append(',')
              .append(num(100 * o.score().capability()))
              .append(',')
              .append(num(100 * o.score().integrity()));
          w.write(row.toString());
          w.write('\n');
        }
      }
    }
  }

  private static String num(double x) {
    return String.format(Locale.ROOT, "%.4f", x);
  }

  private static final class Stats {
    private int n;
    private double sum;
    private double sumSq;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    void add(double x) {
      n++;
      sum += x;
      sumSq += x * x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }

    double mean() {
      return n == 0 ? 0 : sum / n;
    }

    double sd() {
      if (n < 2) {
        return 0;
      }
      double m = mean();
      return Math.sqrt(Math.max(0, (sumSq - n * m * m) / (n - 1)));
    }
  }
}

package org.quarterdeck.server.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quarterdeck.protocol.v1.ReplayFrame;
import org.quarterdeck.server.replay.Export;
import org.quarterdeck.server.replay.Reenactment;
import org.quarterdeck.server.replay.Timeline;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.session.EventStoreJournals;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.StoreOptions;

/** {@code export} and {@code verify}: offline tools over a data directory's session logs. */
public final class LogCommands {
  public static final String USAGE = """
      export --data DIR --session ID --format csv|json
          Writes a session's replay to standard output: CSV has one row per team per turn
          (every state variable, the hours per act, the events); JSON has everything.
      verify --data DIR
          ReplayRequests every session log through the engine and checks its recorded state hashes;
          exits 1 on any corruption or mismatch.""";

  private LogCommands() {}

  public static int export(String[] args, PrintStream out, PrintStream err) throws Exception {
    Flags flags = Flags.parse(args, Set.of("data", "session", "format"), Set.of(), Map.of());
    Path data = Path.of(flags.get("data").orElseThrow(
        () -> new Flags.UsageException("--data is required")));
    String session = flags.get("session").orElseThrow(
        () -> new Flags.UsageException("--session is required"));
    String format = flags.get("format", "csv");
    if (!format.equals("csv") && !format.equals("json")) {
      throw new Flags.UsageException("--format must be csv or json");
    }
    if (!Files.isDirectory(data)) {
      err.println("no data directory " + data);
      return 1;
    }
    try (Journals storage = new EventStoreJournals(EventStore.open(data,
        StoreOptions.DEFAULTS))) {
      if (!storage.sessionIds().contains(session)) {
        err.println("no session " + session + " in " + data);
        return 1;
      }
      Journals.Stored stored = storage.read(session);
      if (stored.corrupt()) {
        err.println("session " + session + ": " + stored.problem());
        return 1;
      }
      Timeline timeline = Timeline.of(stored.records());
      List<ReplayFrame> frames = new Reenactment(timeline).actual();
      out.print(format.equals("csv")
          ? Export.csv(session, frames, ScenarioCatalog.forLog(
              timeline.opened().getScenarioSource(), timeline.opened().getScenarioText(),
              timeline.opened().getScenarioSha256())
              .rules().acts())
          : Export.json(session, frames, stored.records()));
      return 0;
    } catch (Reenactment.ReenactmentException e) {
      err.println("session " + session + " does not replay: " + e.getMessage());
      return 1;
    }
  }

  public static int verify(String[] args, PrintStream out, PrintStream err) throws Exception {
    Flags flags = Flags.parse(args, Set.of("data"), Set.of(), Map.of());
    Path data = Path.of(flags.get("data").orElseThrow(
        () -> new Flags.UsageException("--data is required")));
    if (!Files.isDirectory(data)) {
      err.println("no data directory " + data);
      return 1;
    }
    int bad = 0;
    int good = 0;
    try (Journals storage = new EventStoreJournals(EventStore.open(data,
        StoreOptions.DEFAULTS))) {
      for (String id : storage.sessionIds()) {
        Journals.Stored stored = storage.read(id);
        if (stored.corrupt()) {
          out.println("FAIL " + id + ": " + stored.problem());
          bad++;
          continue;
        }
        if (stored.records().isEmpty()) {
          // a crash during CreateSession: nobody was told of the session; serve removes the file
          out.println("ok   " + id + ": no records (a session whose creation never finished)");
          good++;
          continue;
        }
        try {
          List<ReplayFrame> frames = new Reenactment(Timeline.of(stored.records())).actual();
          out.println("ok   " + id + ": " + stored.records().size() + " records, "
              + frames.size() + " turns, hashes match");
          good++;
        } catch (Reenactment.ReenactmentException | IllegalArgumentException e) {
          out.println("FAIL " + id + ": " + e.getMessage());
          bad++;
        }
      }
    }
    out.println(good + " sessions verified, " + bad + " failed");
    return bad == 0 ? 0 : 1;
  }
}

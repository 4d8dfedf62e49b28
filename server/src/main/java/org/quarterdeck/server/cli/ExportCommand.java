package org.quarterdeck.server.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.quarterdeck.protocol.v1.ReplayFrame;
import org.quarterdeck.server.replay.Export;
import org.quarterdeck.server.replay.Reenactment;
import org.quarterdeck.server.replay.Timeline;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.session.EventStoreJournals;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code export}: an offline tool that writes one stored session's replay. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false)
final class ExportCommand implements Callable<Integer> {
  /** The two formats, named as on the command line. */
  enum Format {
    csv,
    json
  }

  @Spec private CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR")
  private Path data;

  @Option(names = "--session", required = true, paramLabel = "ID")
  private String session;

  @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|json")
  private Format format;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Texts texts = Texts.of(spec);
    if (!Files.isDirectory(data)) {
      err.println(texts.say("offline.no-data", data));
      return 1;
    }
    try (Journals storage = new EventStoreJournals(EventStore.open(data, StoreOptions.DEFAULTS))) {
      if (!storage.sessionIds().contains(session)) {
        err.println(texts.say("export.no-session", session, data));
        return 1;
      }
      Journals.Stored stored = storage.read(session);
      if (stored.corrupt()) {
        err.println(texts.say("export.corrupt", session, stored.problem()));
        return 1;
      }
      Timeline timeline = Timeline.of(stored.records());
      List<ReplayFrame> frames = new Reenactment(timeline).actual();
      out.print(
          format == Format.csv
              ? Export.csv(
                  session,
                  frames,
                  ScenarioCatalog.forLog(
                          timeline.opened().getScenarioSource(),
                          timeline.opened().getScenarioText(),
                          timeline.opened().getScenarioSha256())
                      .rules()
                      .acts())
              : Export.json(session, frames, stored.records()));
      out.flush();
      return 0;
    } catch (Reenactment.ReenactmentException e) {
      err.println(texts.say("export.no-replay", session, e.getMessage()));
      return 1;
    }
  }
}

package org.quarterdeck.server.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.quarterdeck.protocol.v1.ReplayFrame;
import org.quarterdeck.server.replay.Reenactment;
import org.quarterdeck.server.replay.Timeline;
import org.quarterdeck.server.session.EventStoreJournals;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code verify}: an offline check of every session log in a data directory. */
@Command(name = "verify", mixinStandardHelpOptions = true)
final class VerifyCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR")
  private Path data;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Texts texts = Texts.of(spec);
    if (!Files.isDirectory(data)) {
      err.println(texts.say("offline.no-data", data));
      return 1;
    }
    int bad = 0;
    int good = 0;
    try (Journals storage = new EventStoreJournals(EventStore.open(data, StoreOptions.DEFAULTS))) {
      for (String id : storage.sessionIds()) {
        Journals.Stored stored = storage.read(id);
        if (stored.corrupt()) {
          out.println(texts.say("verify.fail", id, stored.problem()));
          bad++;
          continue;
        }
        if (stored.records().isEmpty()) {
          // a crash during CreateSession: nobody was told of the session; serve removes the file
          out.println(texts.say("verify.empty", id));
          good++;
          continue;
        }
        try {
          List<ReplayFrame> frames = new Reenactment(Timeline.of(stored.records())).actual();
          out.println(texts.say("verify.ok", id, stored.records().size(), frames.size()));
          good++;
        } catch (Reenactment.ReenactmentException | IllegalArgumentException e) {
          out.println(texts.say("verify.fail", id, e.getMessage()));
          bad++;
        }
      }
    }
    out.println(texts.say("verify.summary", good, bad));
    out.flush();
    return bad == 0 ? 0 : 1;
  }
}

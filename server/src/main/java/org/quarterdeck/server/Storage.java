package org.quarterdeck.server;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import org.quarterdeck.server.facilitator.ArchivedSessions;
import org.quarterdeck.server.session.EventStoreJournals;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.StoreObserver;
import org.quarterdeck.server.store.StoreOptions;

/**
 * Where a server keeps its sessions: in memory (tests, tools), in a data directory (the embedded
 * store), or in journals the caller opened (the cluster's PostgreSQL journals).
 */
public sealed interface Storage {

  /** Opens the session journals; the application closes them. */
  Journals open(StoreObserver observer) throws IOException;

  /** Where facilitators' archive flags are kept. */
  ArchivedSessions archive() throws IOException;

  static Storage memory() {
    return new Memory();
  }

  static Storage files(Path data, StoreOptions options) {
    return new Files(data, options);
  }

  /** Journals opened by the caller; closed with the application, or at once if it cannot start. */
  static Storage opened(Journals journals) {
    return new Opened(journals);
  }

  /** Sessions live in memory only. */
  record Memory() implements Storage {
    @Override
    public Journals open(StoreObserver observer) {
      return Journals.inMemory();
    }

    @Override
    public ArchivedSessions archive() {
      return ArchivedSessions.inMemory();
    }
  }

  /** The embedded file store in a data directory. */
  record Files(Path data, StoreOptions options) implements Storage {
    public Files {
      requireNonNull(data, "data");
      requireNonNull(options, "options");
    }

    @Override
    public Journals open(StoreObserver observer) throws IOException {
      return new EventStoreJournals(EventStore.open(data, options, observer));
    }

    @Override
    public ArchivedSessions archive() throws IOException {
      return ArchivedSessions.in(data);
    }
  }

  /**
   * Journals the caller opened. On the cluster's journals facilitators' archive flags are kept in
   * its database; on others, in memory.
   */
  record Opened(Journals journals) implements Storage {
    public Opened {
      requireNonNull(journals, "journals");
    }

    @Override
    public Journals open(StoreObserver observer) {
      return journals;
    }

    @Override
    public ArchivedSessions archive() throws IOException {
      if (journals instanceof org.quarterdeck.server.cluster.PostgresJournals cluster) {
        org.quarterdeck.server.cluster.ArchiveFlags flags =
            new org.quarterdeck.server.cluster.ArchiveFlags(cluster);
        return ArchivedSessions.keptBy(flags.load(), flags::set, flags::archivedAmong);
      }
      return ArchivedSessions.inMemory();
    }
  }
}

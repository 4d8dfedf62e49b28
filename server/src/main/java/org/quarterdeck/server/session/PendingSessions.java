package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quarterdeck.protocol.v1.ClockChanged;
import org.quarterdeck.protocol.v1.SessionRecord;

/**
 * Sessions read from their logs at start and not rebuilt yet (the server serves at once and
 * rebuilds behind): the names that reach each one — its id, its join code and every token hash its
 * log admitted — and when its open turn's deadline falls due. Any thread may ask. A session leaves
 * only once its rebuilt self is registered (or it is quarantined), so a name is never unknown in
 * between.
 */
final class PendingSessions {
  /** One read log waiting for its rebuild, which starts once (on touch, when due, or behind). */
  static final class Pending {
    final String id;
    final Journals.Stored stored;

    /** When the open turn's deadline falls due (epoch ms), or {@link Long#MAX_VALUE}. */
    final long dueAtMs;

    final CompletableFuture<Boolean> rebuilt = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();

    Pending(String id, Journals.Stored stored) {
      this.id = requireNonNull(id, "id");
      this.stored = requireNonNull(stored, "stored");
      this.dueAtMs = dueAt(stored.records());
    }

    /** True for the one caller that gets to start the rebuild. */
    boolean start() {
      return started.compareAndSet(false, true);
    }
  }

  private final Map<String, Pending> byId = new ConcurrentHashMap<>();
  private final Map<String, Pending> byCode = new ConcurrentHashMap<>();
  private final Map<String, Pending> byToken = new ConcurrentHashMap<>();

  void add(Pending p) {
    byId.put(p.id, p);
    for (SessionRecord r : p.stored.records()) {
      switch (r.getEventCase()) {
        case OPENED -> {
          byCode.put(r.getOpened().getJoinCode(), p);
          byToken.put(r.getOpened().getFacilitatorTokenHash(), p);
        }
        case SEAT_TAKEN -> byToken.put(r.getSeatTaken().getTokenHash(), p);
        default -> {}
      }
    }
  }

  /** Forgets a session once its rebuilt self is registered (or it was set aside). */
  void remove(Pending p) {
    byId.remove(p.id, p);
    for (SessionRecord r : p.stored.records()) {
      switch (r.getEventCase()) {
        case OPENED -> {
          byCode.remove(r.getOpened().getJoinCode(), p);
          byToken.remove(r.getOpened().getFacilitatorTokenHash(), p);
        }
        case SEAT_TAKEN -> byToken.remove(r.getSeatTaken().getTokenHash(), p);
        default -> {}
      }
    }
  }

  Pending byId(String id) {
    return id == null ? null : byId.get(id);
  }

  Pending byCode(String normalizedCode) {
    return normalizedCode == null ? null : byCode.get(normalizedCode);
  }

  Pending byTokenHash(String hash) {
    return hash == null ? null : byToken.get(hash);
  }

  boolean isEmpty() {
    return byId.isEmpty();
  }

  int size() {
    return byId.size();
  }

  /** Every pending session, the soonest deadline first (then by id, so the order is stable). */
  List<Pending> byUrgency() {
    List<Pending> all = new ArrayList<>(byId.values());
    all.sort(Comparator.<Pending>comparingLong(p -> p.dueAtMs).thenComparing(p -> p.id));
    return all;
  }

  /**
   * When a log's open turn falls due: the deadline its last TurnStarted or clock change set, unless
   * the turn closed, the clock was paused or the session ended after it. A log cut short after a
   * TurnClosed is due at once (its rebuild opens the next turn and records it).
   */
  static long dueAt(List<SessionRecord> records) {
    long due = Long.MAX_VALUE;
    for (SessionRecord r : records) {
      switch (r.getEventCase()) {
        case TURN_STARTED -> due = deadline(r.getTurnStarted().getDeadlineMs());
        case CLOCK -> {
          ClockChanged c = r.getClock();
          due =
              c.getChange() == ClockChanged.Change.PAUSED
                  ? Long.MAX_VALUE
                  : deadline(c.getDeadlineMs());
        }
        case TURN_CLOSED -> due = Long.MIN_VALUE; // the next opening is owed until it is recorded
        case CLOSED -> due = Long.MAX_VALUE;
        default -> {}
      }
    }
    return due;
  }

  private static long deadline(long ms) {
    return ms > 0 ? ms : Long.MAX_VALUE;
  }
}

package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quarterdeck.protocol.v1.ClockChanged;
import org.quarterdeck.protocol.v1.SeatTaken;
import org.quarterdeck.protocol.v1.SessionOpened;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SpectatorAdmitted;
import org.quarterdeck.protocol.v1.TurnStarted;

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
    final StoredLog log;

    /** When the open turn's deadline falls due (epoch ms), or {@link Long#MAX_VALUE}. */
    final long dueAtMs;

    /** Its join code (one, or none in a log cut before it) and every token hash it admitted. */
    private final List<String> codes = new ArrayList<>(1);

    private final List<String> tokenHashes = new ArrayList<>();

    final CompletableFuture<Boolean> rebuilt = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();

    /**
     * Indexes a read log from the records that name its members and set its deadline, reading those
     * fields from the records' bytes: no record is parsed until the rebuild.
     *
     * @throws InvalidProtocolBufferException when a record's fields, or those of one of these
     *     records' event, cannot be walked
     */
    Pending(String id, StoredLog log) throws InvalidProtocolBufferException {
      this.id = requireNonNull(id, "id");
      this.log = requireNonNull(log, "log");
      int lastTimed = -1;
      SessionRecord.EventCase lastTimedKind = null;
      for (int i = 0; i < log.size(); i++) {
        SessionRecord.EventCase kind = log.eventCase(i);
        switch (kind) {
          case OPENED -> {
            codes.add(log.eventString(i, kind, SessionOpened.JOIN_CODE_FIELD_NUMBER));
            tokenHashes.add(
                log.eventString(i, kind, SessionOpened.FACILITATOR_TOKEN_HASH_FIELD_NUMBER));
          }
          case SEAT_TAKEN ->
              tokenHashes.add(log.eventString(i, kind, SeatTaken.TOKEN_HASH_FIELD_NUMBER));
          case SPECTATOR_ADMITTED ->
              tokenHashes.add(log.eventString(i, kind, SpectatorAdmitted.TOKEN_HASH_FIELD_NUMBER));
          case TURN_STARTED, CLOCK, TURN_CLOSED, CLOSED -> {
            lastTimed = i;
            lastTimedKind = kind;
          }
          default -> {}
        }
      }
      this.dueAtMs = lastTimed < 0 ? Long.MAX_VALUE : dueAfter(log, lastTimed, lastTimedKind);
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
    p.codes.forEach(code -> byCode.put(code, p));
    p.tokenHashes.forEach(hash -> byToken.put(hash, p));
  }

  /** Forgets a session once its rebuilt self is registered (or it was set aside). */
  void remove(Pending p) {
    byId.remove(p.id, p);
    p.codes.forEach(code -> byCode.remove(code, p));
    p.tokenHashes.forEach(hash -> byToken.remove(hash, p));
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

  /** The soonest deadline first (then by id, so the order is stable). */
  static final Comparator<Pending> URGENCY =
      Comparator.<Pending>comparingLong(p -> p.dueAtMs).thenComparing(p -> p.id);

  /** Every pending session, the soonest deadline first. */
  List<Pending> byUrgency() {
    List<Pending> all = new ArrayList<>(byId.values());
    all.sort(URGENCY);
    return all;
  }

  /**
   * When a log's open turn falls due, from the last record that set or cleared it: the deadline its
   * last TurnStarted or clock change set, unless the turn closed, the clock was paused or the
   * session ended after it. A log cut short after a TurnClosed is due at once (its rebuild opens
   * the next turn and records it).
   */
  private static long dueAfter(StoredLog log, int i, SessionRecord.EventCase kind)
      throws InvalidProtocolBufferException {
    return switch (kind) {
      case TURN_STARTED -> deadline(log.eventNumber(i, kind, TurnStarted.DEADLINE_MS_FIELD_NUMBER));
      case CLOCK ->
          log.eventNumber(i, kind, ClockChanged.CHANGE_FIELD_NUMBER)
                  == ClockChanged.Change.PAUSED_VALUE
              ? Long.MAX_VALUE
              : deadline(log.eventNumber(i, kind, ClockChanged.DEADLINE_MS_FIELD_NUMBER));
      case TURN_CLOSED -> Long.MIN_VALUE; // the next opening is owed until it is recorded
      default -> Long.MAX_VALUE; // CLOSED, or a record that sets no deadline
    };
  }

  private static long deadline(long ms) {
    return ms > 0 ? ms : Long.MAX_VALUE;
  }
}

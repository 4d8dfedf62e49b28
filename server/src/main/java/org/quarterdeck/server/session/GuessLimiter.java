package org.quarterdeck.server.session;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits guessing of join codes and the admin token while never locking a room out: only misses
 * count, and they count against the guesser. A connection that misses {@code perConnection} times
 * is refused (RATE_LIMITED, with a wait that doubles per further miss up to a minute) whatever it
 * sends next, a correct code included. An address (a NAT, a venue's Wi-Fi) that misses {@code
 * perAddress} times a minute no longer gives its connections a budget of their own: a connection
 * from it that has missed once is refused. A connection that has not missed is never refused, so
 * the people in the room behind the guesser's address still join with the right code, and a guesser
 * gets one try per new connection, which the connection caps ration per address. Bounded memory:
 * the oldest entries are forgotten first.
 */
final class GuessLimiter {
  static final long WINDOW_MS = 60_000;
  private static final long MAX_BACKOFF_MS = 60_000;
  private static final int MAX_ENTRIES = 10_000;

  private final int perConnection;
  private final int perAddress;

  /** address -> {window start ms, misses in the window} */
  private final Map<String, long[]> addresses = lru();

  /** connection id -> {last miss ms, misses} */
  private final Map<Long, long[]> connections = lru();

  /**
   * @param perAddress misses a minute one address may make before its connections lose their own
   *     budget
   */
  GuessLimiter(int perAddress) {
    this(Math.min(5, perAddress), perAddress);
  }

  GuessLimiter(int perConnection, int perAddress) {
    if (perConnection < 1 || perAddress < perConnection) {
      throw new IllegalArgumentException("need 1 <= perConnection <= perAddress");
    }
    this.perConnection = perConnection;
    this.perAddress = perAddress;
  }

  private static <K> Map<K, long[]> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, long[]> eldest) {
        return size() > MAX_ENTRIES;
      }
    };
  }

  /** Milliseconds connection {@code connectionId} from {@code address} must wait, or 0. */
  synchronized long waitMillis(long connectionId, String address, long nowMs) {
    long[] connection = connections.get(connectionId);
    if (connection == null) {
      return 0; // never missed: the room always gets in
    }
    long misses = connection[1];
    if (misses >= perConnection) {
      long backoff = Math.min(MAX_BACKOFF_MS, 1000L << Math.min(16, misses - perConnection));
      long wait = backoff - (nowMs - connection[0]);
      if (wait > 0) {
        return wait;
      }
    }
    long[] window = addresses.get(address);
    if (window != null && nowMs - window[0] < WINDOW_MS && window[1] >= perAddress) {
      return WINDOW_MS - (nowMs - window[0]);
    }
    return 0;
  }

  /** Records a miss (a wrong join code or admin token). */
  synchronized void failed(long connectionId, String address, long nowMs) {
    long[] connection = connections.get(connectionId);
    if (connection == null) {
      connections.put(connectionId, new long[] {nowMs, 1});
    } else {
      connection[0] = nowMs;
      connection[1]++;
    }
    long[] window = addresses.get(address);
    if (window == null || nowMs - window[0] >= WINDOW_MS) {
      addresses.put(address, new long[] {nowMs, 1});
    } else {
      window[1]++;
    }
  }

  /** Forgets a closed connection (its address keeps its count). */
  synchronized void forget(long connectionId) {
    connections.remove(connectionId);
  }
}

package org.quarterdeck.server.session;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts the sessions each client address created in the last hour, so that a server without an
 * admin token cannot be filled by one anonymous client. Bounded memory: at most {@code perHour}
 * times per address, and the least recently seen addresses are forgotten first.
 */
final class CreationQuota {
  static final long WINDOW_MS = 3_600_000;
  private static final int MAX_ADDRESSES = 10_000;

  private final int perHour;
  private final Map<String, ArrayDeque<Long>> created =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Long>> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };

  CreationQuota(int perHour) {
    this.perHour = perHour;
  }

  /**
   * Takes one creation for the address if it has any left; otherwise returns the milliseconds until
   * it has one again, and takes nothing.
   */
  synchronized long take(String address, long nowMs) {
    ArrayDeque<Long> times = created.computeIfAbsent(address, a -> new ArrayDeque<>());
    while (!times.isEmpty() && nowMs - times.peekFirst() >= WINDOW_MS) {
      times.pollFirst();
    }
    if (times.size() >= perHour) {
      return Math.max(1, WINDOW_MS - (nowMs - times.peekFirst()));
    }
    times.addLast(nowMs);
    return 0;
  }

  /** Gives a creation back (the request turned out invalid and created nothing). */
  synchronized void giveBack(String address, long nowMs) {
    ArrayDeque<Long> times = created.get(address);
    if (times != null && !times.isEmpty()) {
      times.pollLast();
    }
  }
}

package org.quarterdeck.server.session;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits failed join-code attempts per client address: {@code perMinute} failures a minute, then
 * RATE_LIMITED until the window passes. Bounded memory: the oldest addresses are forgotten first.
 */
final class GuessLimiter {
  private static final long WINDOW_MS = 60_000;
  private static final int MAX_ADDRESSES = 10_000;

  private final int perMinute;
  private final Map<String, long[]> failures =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };

  GuessLimiter(int perMinute) {
    this.perMinute = perMinute;
  }

  /** Milliseconds the address must wait, or 0 if it may try now. */
  synchronized long waitMillis(String address, long nowMs) {
    long[] entry = failures.get(address);
    if (entry == null || nowMs - entry[0] >= WINDOW_MS) {
      return 0;
    }
    return entry[1] >= perMinute ? WINDOW_MS - (nowMs - entry[0]) : 0;
  }

  synchronized void failed(String address, long nowMs) {
    long[] entry = failures.get(address);
    if (entry == null || nowMs - entry[0] >= WINDOW_MS) {
      failures.put(address, new long[] {nowMs, 1});
    } else {
      entry[1]++;
    }
  }
}

package org.quarterdeck.server.net;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When each of a connection's open SubmitDecision requests was read, so that the acknowledgement's
 * latency can be measured where it is written. Touched only on the connection's event loop.
 * Bounded: a client that never gets answers (or reuses request ids) cannot grow it past {@link
 * #MAX_OPEN}; the oldest entries go first.
 */
final class DecisionClock {
  static final long NONE = Long.MIN_VALUE;
  static final int MAX_OPEN = 256;

  private final Map<Long, Long> readAt =
      new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
          return size() > MAX_OPEN;
        }
      };

  void read(long requestId, long nanos) {
    readAt.put(requestId, nanos);
  }

  /** The read time of the request a reply answers, or {@link #NONE}; forgets it either way. */
  long answered(long requestId) {
    Long at = readAt.remove(requestId);
    return at == null ? NONE : at;
  }
}

package org.quarterdeck.server.session;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far start-up recovery has come: n of m logs read and rebuilt (or quarantined). Read from any
 * thread (/healthz, the router's answer to a name it does not know yet); logged at every tenth.
 */
public final class RecoveryProgress {
  private static final Logger log = LoggerFactory.getLogger(RecoveryProgress.class);

  private final AtomicInteger done = new AtomicInteger();
  private volatile int total;
  private volatile boolean finished = true;

  /**
   * Marks recovery as under way before the logs are even listed (the server listens first, and a
   * name it does not know yet must not be called unknown).
   */
  public void starting() {
    finished = false;
  }

  void begin(int total) {
    this.total = total;
    done.set(0);
    finished = total == 0;
    if (total > 0) {
      log.info("recovering {} sessions", total);
    }
  }

  void step() {
    int n = done.incrementAndGet();
    int m = total;
    if (m >= 10 && n * 10L / m != (n - 1) * 10L / m && n < m) {
      log.info("recovering sessions: {} of {}", n, m);
    }
  }

  void finish() {
    finished = true;
  }

  /** True once every stored log has been recovered or set aside (and before any recovery). */
  public boolean finished() {
    return finished;
  }

  public int done() {
    return done.get();
  }

  public int total() {
    return total;
  }

  /** "recovering: n of m", or "" once finished. */
  public String describe() {
    if (finished) {
      return "";
    }
    return total == 0 && done.get() == 0
        ? "recovering: listing the logs"
        : "recovering: " + done.get() + " of " + total;
  }
}

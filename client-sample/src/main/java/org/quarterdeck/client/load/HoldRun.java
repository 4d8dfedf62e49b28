package org.quarterdeck.client.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps every connection open for the hold time, each sending a Ping once per heartbeat interval
 * (spread evenly) and answering the server's pings.
 */
final class HoldRun {
  private HoldRun() {}

  static void hold(List<LoadConnection> connections, Duration hold, Duration heartbeat) {
    List<LoadConnection> all = new ArrayList<>(connections);
    long end = System.nanoTime() + hold.toNanos();
    long gap = heartbeat.toNanos() / Math.max(1, all.size());
    long next = System.nanoTime();
    int i = 0;
    while (System.nanoTime() < end) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      all.get(i).heartbeat();
      i = (i + 1) % all.size();
      next += gap;
    }
  }
}

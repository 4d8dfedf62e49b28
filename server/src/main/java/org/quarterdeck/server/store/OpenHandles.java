package org.quarterdeck.server.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The logs whose files the writer holds open, least recently used first, and how many it may hold.
 * A server with 20,000 sessions must not hold 20,000 file descriptors: the writer closes the least
 * recently used file once the budget is exceeded and reopens it on the next append. Confined to the
 * writer thread.
 */
final class OpenHandles {
  private final int budget;
  private final LinkedHashSet<LogState> open = new LinkedHashSet<>();

  OpenHandles(int budget) {
    if (budget < 1) {
      throw new IllegalArgumentException("budget must be positive: " + budget);
    }
    this.budget = budget;
  }

  /** The log's file is open and was just used: it becomes the most recently used. */
  void used(LogState log) {
    open.remove(log);
    open.add(log);
  }

  /** The log's file was closed. */
  void closed(LogState log) {
    open.remove(log);
  }

  int size() {
    return open.size();
  }

  /**
   * The least recently used logs to close so that the budget holds again, never {@code keep} (the
   * log about to be written). They are removed from this set; the caller closes them.
   */
  List<LogState> overBudget(LogState keep) {
    List<LogState> evicted = new ArrayList<>();
    Iterator<LogState> oldest = open.iterator();
    while (open.size() - evicted.size() > budget && oldest.hasNext()) {
      LogState log = oldest.next();
      if (log != keep) {
        evicted.add(log);
      }
    }
    evicted.forEach(open::remove);
    return evicted;
  }
}

package org.quarterdeck.server.scenario;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scenarios session logs carry as text, parsed once per distinct text and shared: a loaded
 * scenario and its rules are immutable. Keyed by the log's SHA-256, and a hit must also have the
 * same source and the very same text (so a log whose hash field lies is parsed from its own text,
 * never handed another's scenario). Bounded: the least recently used entry goes.
 */
final class LoggedScenarios {
  private final int capacity;
  private final Map<String, LoadedScenario> bySha256;
  private final Map<String, String> texts = new java.util.HashMap<>();
  private long parses;

  LoggedScenarios(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.bySha256 = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** The scenario of a logged text: parsed the first time, shared afterwards. */
  LoadedScenario load(String source, String text, String sha256) throws ScenarioException {
    String key = sha256 + "\n" + source;
    synchronized (this) {
      LoadedScenario known = bySha256.get(key);
      if (known != null && text.equals(texts.get(key))) {
        return known;
      }
    }
    // parsed outside the lock: recovery threads parse different scenarios at once
    LoadedScenario loaded = ScenarioCatalog.fromText(source, text);
    synchronized (this) {
      parses++;
      bySha256.put(key, loaded);
      texts.put(key, text);
      if (bySha256.size() > capacity) {
        String eldest = bySha256.keySet().iterator().next();
        bySha256.remove(eldest);
        texts.remove(eldest);
      }
    }
    return loaded;
  }

  /** How many texts were parsed (not found in the cache) so far. */
  synchronized long parses() {
    return parses;
  }
}

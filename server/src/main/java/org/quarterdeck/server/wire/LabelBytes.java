package org.quarterdeck.server.wire;

import com.google.protobuf.ByteString;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The UTF-8 bytes of report labels and scenario texts, kept once each. Scenario and engine labels
 * are a small fixed set, but scenarios a facilitator loads and custom events bring any text, so the
 * table keeps only short texts and stops growing at a bound; what does not fit is encoded each
 * time.
 */
final class LabelBytes {
  private final ConcurrentHashMap<String, ByteString> known = new ConcurrentHashMap<>();

  /** Longer texts are encoded each time: the table stays within a few megabytes. */
  static final int LONGEST = 1024;

  private final int bound;

  LabelBytes(int bound) {
    this.bound = bound;
  }

  ByteString bytes(String label) {
    ByteString b = known.get(label);
    if (b != null) {
      return b;
    }
    b = ByteString.copyFromUtf8(label);
    if (label.length() <= LONGEST && known.size() < bound) {
      known.putIfAbsent(label, b);
    }
    return b;
  }

  int size() {
    return known.size();
  }
}

package org.quarterdeck.server.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's leak detector for the tests: it reports like the default one and also keeps each report,
 * so that {@link LeakCheck} can fail the build. Netty builds it by name from the system property
 * {@code io.netty.customResourceLeakDetector} (set in the server's surefire configuration, with
 * {@code io.netty.leakDetection.level=paranoid} so that every buffer is tracked).
 *
 * @param <T> the tracked resource type
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
  private static final List<String> LEAKS = new ArrayList<>();

  /** The constructor Netty's factory uses when it has no maxActive to pass. */
  @SuppressWarnings("deprecation")
  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
  }

  /** The constructor Netty's factory looks for first (it logs an error when it is missing). */
  @SuppressWarnings("deprecation")
  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
    super(resourceType, samplingInterval, maxActive);
  }

  /** The leaks reported since the last call, now forgotten. */
  static List<String> drain() {
    synchronized (LEAKS) {
      List<String> leaks = List.copyOf(LEAKS);
      LEAKS.clear();
      return leaks;
    }
  }

  /** True when a leak was reported and not yet drained. */
  static boolean anyReported() {
    synchronized (LEAKS) {
      return !LEAKS.isEmpty();
    }
  }

  @Override
  protected boolean needReport() {
    return true; // even with error logging off, a leak must reach LeakCheck
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    record(resourceType + " leaked; recent access records:" + records);
    super.reportTracedLeak(resourceType, records);
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    record(resourceType + " leaked (untraced)");
    super.reportUntracedLeak(resourceType);
  }

  private static void record(String leak) {
    synchronized (LEAKS) {
      LEAKS.add(leak);
    }
  }
}

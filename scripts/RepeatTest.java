import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.launcher.EngineFilter.includeEngines;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one test method, or every test of one class, N times in one JVM and prints "N passed, M
 * failed": the check for a test suspected of flaking. A run passes when every test it found passed;
 * tests aborted by an assumption (no verdict on this machine) are counted apart. See
 * docs/development.md (Flaky tests) for the classpath to give it.
 *
 * <pre>java -cp CLASSPATH scripts/RepeatTest.java CLASS[#METHOD] N</pre>
 */
public final class RepeatTest {
  public static void main(String[] args) {
    String selector = args[0];
    int times = Integer.parseInt(args[1]);
    Launcher launcher = LauncherFactory.create();
    int passed = 0;
    int failed = 0;
    long aborted = 0;
    for (int i = 1; i <= times; i++) {
      LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
          .selectors(selector.contains("#") ? selectMethod(selector) : selectClass(selector))
          .filters(includeEngines("junit-jupiter")).build();
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      launcher.execute(request, listener);
      TestExecutionSummary summary = listener.getSummary();
      aborted += summary.getTestsAbortedCount();
      if (summary.getTestsFoundCount() > 0
          && summary.getTotalFailureCount() == 0
          && summary.getTestsSucceededCount() + summary.getTestsAbortedCount()
              == summary.getTestsFoundCount()) {
        passed++;
      } else {
        failed++;
        System.out.println("run " + i + " failed:");
        summary.getFailures().forEach(f -> f.getException().printStackTrace(System.out));
        if (summary.getTestsFoundCount() == 0) {
          System.out.println("no test matched " + selector);
          break;
        }
      }
    }
    System.out.println(passed + " passed, " + failed + " failed"
        + (aborted > 0 ? " (" + aborted + " tests aborted: no verdict on this machine)" : ""));
    System.exit(failed == 0 ? 0 : 1);
  }
}

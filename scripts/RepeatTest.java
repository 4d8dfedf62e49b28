import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.launcher.EngineFilter.includeEngines;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one test method N times in one JVM and prints "N passed, M failed": the check for a test
 * suspected of flaking. See docs/development.md (Flaky tests) for the classpath to give it.
 *
 * <pre>java -cp CLASSPATH scripts/RepeatTest.java CLASS#METHOD N</pre>
 */
public final class RepeatTest {
  public static void main(String[] args) {
    String selector = args[0];
    int times = Integer.parseInt(args[1]);
    Launcher launcher = LauncherFactory.create();
    int passed = 0;
    int failed = 0;
    for (int i = 1; i <= times; i++) {
      LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
          .selectors(selectMethod(selector)).filters(includeEngines("junit-jupiter")).build();
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      launcher.execute(request, listener);
      TestExecutionSummary summary = listener.getSummary();
      if (summary.getTestsSucceededCount() == 1 && summary.getTotalFailureCount() == 0) {
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
    System.out.println(passed + " passed, " + failed + " failed");
    System.exit(failed == 0 ? 0 : 1);
  }
}

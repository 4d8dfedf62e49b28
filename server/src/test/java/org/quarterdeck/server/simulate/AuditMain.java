package org.quarterdeck.server.simulate;

import org.quarterdeck.server.engine.Rules;
import org.quarterdeck.server.scenario.ScenarioCatalog;

/** Development aid: prints the audit and the lesson figures of scenarios. */
final class AuditMain {
  public static void main(String[] args) throws Exception {
    boolean full = args.length > 0 && args[0].equals("full");
    boolean lessonOnly = args.length > 0 && args[0].equals("lesson");
    for (String name : ScenarioCatalog.builtInNames()) {
      if (args.length > 1 && !args[1].contains(name)) {
        continue;
      }
      long t0 = System.nanoTime();
      Rules rules = ScenarioCatalog.builtIn(name).rules();
      System.out.println("== " + name);
      System.out.println(LessonStats.measure(rules, 200));
      if (!lessonOnly) {
        var f =
            ModelAudit.run(
                rules, full ? ExploitSearch.Settings.full() : ExploitSearch.Settings.bounded());
        System.out.print(ModelAudit.report(rules, f));
      }
      System.out.printf("took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
  }
}

package org.quarterdeck.server.engine;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The engine is pure: no network, files, clocks, threads, logging or other server packages. Same
 * inputs, same bytes out; if this test fails, move the offending code to the edge.
 */
class EnginePurityTest {
  private static final JavaClasses ENGINE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.quarterdeck.server.engine");

  @Test
  void engineHasNoIoNetworkThreadsOrLogging() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("org.quarterdeck.server.engine..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "io.netty..",
                "java.io..",
                "java.nio..",
                "java.net..",
                "java.util.concurrent..",
                "java.time..",
                "org.slf4j..",
                "ch.qos.logback..",
                "java.lang.reflect..",
                "java.sql..")
            .because("the engine must stay a pure function of its inputs");
    rule.check(ENGINE);
  }

  @Test
  void engineReadsNoClockAndStartsNoThread() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("org.quarterdeck.server.engine..")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.lang.Thread")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.lang.System")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.lang.Runtime")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.util.Random")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.util.SplittableRandom")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.lang.Math")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.util.HashMap")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.util.HashSet")
            .because(
                "time is an input; randomness comes only from SeededRandom; maths uses "
                    + "StrictMath (bit-identical on every JVM); no hash-ordered iteration");
    rule.check(ENGINE);
  }

  @Test
  void engineDependsOnNoOtherServerPackage() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("org.quarterdeck.server.engine..")
            .should()
            .dependOnClassesThat(
                resideInAPackage("org.quarterdeck.server..")
                    .and(resideOutsideOfPackage("org.quarterdeck.server.engine..")))
            .because("arrows point one way: session and scenario depend on engine, never back");
    rule.check(ENGINE);
  }
}

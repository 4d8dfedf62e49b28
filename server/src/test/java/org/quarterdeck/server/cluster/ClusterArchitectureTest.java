package org.quarterdeck.server.cluster;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The cluster store sits on top of the session layer: it implements the session's journal
 * interfaces, and nothing below it (sessions, the engine, the store, the network) knows it.
 */
class ClusterArchitectureTest {
  private static final JavaClasses SERVER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.quarterdeck.server");

  @Test
  void onlyTheCompositionRootTheCommandLineAndHttpHooksKnowTheCluster() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "org.quarterdeck.server.session..",
            "org.quarterdeck.server.engine..",
            "org.quarterdeck.server.store..",
            "org.quarterdeck.server.net..",
            "org.quarterdeck.server.http..",
            "org.quarterdeck.server.port..",
            "org.quarterdeck.server.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.quarterdeck.server.cluster..")
        .check(SERVER);
  }

  @Test
  void theClusterKnowsNeitherTheCommandLineNorTheCompositionRoot() {
    // with the rule above, this keeps the cluster package out of every cycle
    noClasses()
        .that()
        .resideInAPackage("org.quarterdeck.server.cluster..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.quarterdeck.server.cli..", "org.quarterdeck.server")
        .check(SERVER);
  }
}

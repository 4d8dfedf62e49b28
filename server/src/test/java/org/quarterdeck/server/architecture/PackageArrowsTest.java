package org.quarterdeck.server.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The server's packages point one way: no cycles, and the layers of docs/architecture.md's picture.
 * A new arrow that goes against the picture fails here; change the picture (and this rule) only on
 * purpose.
 */
class PackageArrowsTest {
  private static final String ROOT = "org.quarterdeck.server";
  private static final JavaClasses SERVER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(ROOT);

  @Test
  void subpackagesAreFreeOfCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(SERVER);
  }

  /** The same, with the root package (Application) as a slice of its own: cli ↔ root counts. */
  @Test
  void theRootPackageIsInNoCycleEither() {
    slices()
        .assignedFrom(
            new SliceAssignment() {
              @Override
              public SliceIdentifier getIdentifierOf(JavaClass c) {
                String p = c.getPackageName();
                if (p.equals(ROOT)) {
                  return SliceIdentifier.of("(root)");
                }
                if (!p.startsWith(ROOT + ".")) {
                  return SliceIdentifier.ignore(); // the JDK, Netty, protobuf...
                }
                String rest = p.substring(ROOT.length() + 1);
                int dot = rest.indexOf('.');
                return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
              }

              @Override
              public String getDescription() {
                return "the server's root package and each top-level subpackage";
              }
            })
        .should()
        .beFreeOfCycles()
        .check(SERVER);
  }

  @Test
  void layersMatchTheArchitecturePicture() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("cli")
        .definedBy(ROOT + ".cli..")
        .layer("composition root")
        .definedBy(ROOT)
        .layer("http")
        .definedBy(ROOT + ".http..")
        .layer("net")
        .definedBy(ROOT + ".net..")
        .layer("metrics")
        .definedBy(ROOT + ".metrics..")
        .layer("cluster")
        .definedBy(ROOT + ".cluster..")
        .layer("session")
        .definedBy(ROOT + ".session..")
        .layer("port")
        .definedBy(ROOT + ".port..")
        .layer("store")
        .definedBy(ROOT + ".store..")
        .layer("facilitator")
        .definedBy(ROOT + ".facilitator..")
        .layer("replay")
        .definedBy(ROOT + ".replay..")
        .layer("simulate")
        .definedBy(ROOT + ".simulate..")
        .layer("scenario")
        .definedBy(ROOT + ".scenario..")
        .layer("bot")
        .definedBy(ROOT + ".bot..")
        .layer("wire")
        .definedBy(ROOT + ".wire..")
        .layer("engine")
        .definedBy(ROOT + ".engine..")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("composition root")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("http")
        .mayOnlyBeAccessedByLayers("composition root")
        .whereLayer("net")
        .mayOnlyBeAccessedByLayers("http", "composition root", "cli")
        .whereLayer("metrics")
        .mayOnlyBeAccessedByLayers("net", "http", "composition root")
        .whereLayer("cluster")
        .mayOnlyBeAccessedByLayers("composition root", "cli")
        .whereLayer("session")
        .mayOnlyBeAccessedByLayers("cluster", "composition root", "cli")
        .whereLayer("port")
        .mayOnlyBeAccessedByLayers(
            "net", "http", "metrics", "session", "cluster", "composition root", "cli")
        .whereLayer("store")
        .mayOnlyBeAccessedByLayers("session", "composition root", "cli")
        .whereLayer("facilitator")
        .mayOnlyBeAccessedByLayers("session", "composition root", "cli")
        .whereLayer("replay")
        .mayOnlyBeAccessedByLayers("session", "cli")
        .whereLayer("simulate")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("scenario")
        .mayOnlyBeAccessedByLayers("session", "replay", "simulate", "cli")
        .whereLayer("bot")
        .mayOnlyBeAccessedByLayers("session", "replay", "simulate")
        .whereLayer("wire")
        .mayOnlyBeAccessedByLayers("session", "replay")
        .whereLayer("engine")
        .mayOnlyBeAccessedByLayers(
            "session", "replay", "simulate", "scenario", "bot", "wire", "cli")
        .check(SERVER);
  }
}

package org.quarterdeck.client.architecture;

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
 * The client jar's packages point one way: the command line on top, the library (root package) and
 * the load generator beneath it, no cycles (docs/client.md).
 */
class PackageArrowsTest {
  private static final String ROOT = "org.quarterdeck.client";
  private static final JavaClasses CLIENT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(ROOT);

  @Test
  void subpackagesAreFreeOfCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLIENT);
  }

  /** The same, with the root package (the client library) as a slice of its own. */
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
                return "the client's root package and each top-level subpackage";
              }
            })
        .should()
        .beFreeOfCycles()
        .check(CLIENT);
  }

  @Test
  void theCommandLineIsOnTop() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("cli")
        .definedBy(ROOT + ".cli..")
        .layer("bot")
        .definedBy(ROOT + ".bot..")
        .layer("load")
        .definedBy(ROOT + ".load..")
        .layer("library")
        .definedBy(ROOT, ROOT + ".net..")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("bot")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("load")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("library")
        .mayOnlyBeAccessedByLayers("cli", "bot")
        .check(CLIENT);
  }
}

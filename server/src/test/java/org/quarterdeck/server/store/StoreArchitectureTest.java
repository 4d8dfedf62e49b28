package org.quarterdeck.server.store;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The store is a leaf: it knows files and bytes, not sessions, games or the network. */
class StoreArchitectureTest {
  @Test
  void theStoreDependsOnNothingButTheJdkProtobufAndLogging() {
    JavaClasses store =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.quarterdeck.server.store");
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "org.quarterdeck.server.store..", "java..", "com.google.protobuf..", "org.slf4j..")
        .check(store);
  }
}

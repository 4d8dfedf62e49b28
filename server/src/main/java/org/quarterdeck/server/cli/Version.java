package org.quarterdeck.server.cli;

/** The build's version, from the jar manifest when there is one. */
final class Version {
  private Version() {}

  static String version() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  static String serverName() {
    return "quarterdeck-server/" + version();
  }
}

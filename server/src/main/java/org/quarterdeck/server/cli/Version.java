package org.quarterdeck.server.cli;

import picocli.CommandLine.IVersionProvider;

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

  /** {@code --version}. */
  static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {serverName()};
    }
  }
}

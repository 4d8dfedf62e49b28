package org.quarterdeck.server.cli;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Takes an option's default from the environment variable {@code QUARTERDECK_<NAME>} (the long name
 * upper-cased, dashes as underscores), so every option of every command can be set by the
 * environment without a line of code per option. The command line wins over the environment; an
 * unset or empty variable leaves the option's own default.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {
  private final Map<String, String> environment;

  public EnvironmentDefaults(Map<String, String> environment) {
    this.environment = requireNonNull(environment, "environment");
  }

  /** {@code --http-port} → {@code QUARTERDECK_HTTP_PORT}. */
  public static String envName(String option) {
    String name = option.replaceFirst("^-+", "");
    return "QUARTERDECK_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public String defaultValue(ArgSpec argument) {
    if (!(argument instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String value = environment.get(envName(option.longestName()));
    if (value == null || value.isEmpty()) {
      return null; // picocli then takes the option's annotated default
    }
    // The old hand-written parser read 0 as "off" for switches; keep accepting it.
    if (option.type() == boolean.class || option.type() == Boolean.class) {
      return String.valueOf(!value.equalsIgnoreCase("false") && !value.equals("0"));
    }
    return value;
  }
}

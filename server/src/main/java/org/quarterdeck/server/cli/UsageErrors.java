package org.quarterdeck.server.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Picocli's own usage errors (an unknown option, a missing required one, a value of the wrong type)
 * in the language of the usage help: picocli writes them in English only, so they are worded again
 * here from what the exception names. The usage help follows, as picocli's own handler does.
 */
final class UsageErrors implements IParameterExceptionHandler {
  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine line = ex.getCommandLine();
    Texts texts = Texts.of(line.getCommandSpec());
    PrintWriter err = line.getErr();
    err.println(line.getColorScheme().errorText(sentence(ex, texts)));
    if (ex instanceof UnmatchedArgumentException unmatched
        && !unmatched.getSuggestions().isEmpty()) {
      err.println(texts.say("usage.did-you-mean", String.join(", ", unmatched.getSuggestions())));
    }
    line.usage(err, line.getColorScheme());
    return line.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** The error in the usage's language; an error of our own options is already worded there. */
  static String sentence(ParameterException ex, Texts texts) {
    if (ex instanceof UnmatchedArgumentException unmatched) {
      List<String> words = unmatched.getUnmatched();
      boolean options = !words.isEmpty() && words.get(0).startsWith("-");
      return texts.say(options ? "usage.unknown-option" : "usage.unexpected", quoted(words));
    }
    if (ex instanceof MissingParameterException missing) {
      return texts.say(
          "usage.missing",
          missing.getMissing().stream().map(UsageErrors::name).collect(Collectors.joining(", ")));
    }
    if (ex.getCause() instanceof CommandLine.TypeConversionException
        && ex.getArgSpec() != null
        && ex.getValue() != null) {
      return texts.say("usage.bad-value", name(ex.getArgSpec()), "'" + ex.getValue() + "'");
    }
    return ex.getMessage();
  }

  private static String name(ArgSpec arg) {
    return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
  }

  private static String quoted(List<String> words) {
    return words.stream().map(w -> "'" + w + "'").collect(Collectors.joining(", "));
  }
}

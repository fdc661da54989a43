package io.github.implicitdiff.app.cli;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One command-line option an experiment accepts: {@code --name VALUE} or the flag {@code --name}.
 * <pre>{@code
 * List<OptionSpec> specs = List.of(
 *     OptionSpec.value("lambda", "L", "ridge strength, > 0 (default 1)"),
 *     OptionSpec.flag("verbose", "print every iteration"));
 * }</pre>
 *
 * @param name the option's name without the leading dashes: lower case letters, digits and '-'
 * @param takesValue true for {@code --name VALUE}, false for a flag
 * @param valueName the placeholder shown in help, such as "L" or "FILE" (empty for a flag)
 * @param help one line of help, including the default
 */
public record OptionSpec(String name, boolean takesValue, String valueName, String help) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

  /** Validates the name. */
  public OptionSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueName, "valueName");
    Objects.requireNonNull(help, "help");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("OptionSpec: name '" + name
          + "' must be lower case letters, digits and '-', starting with a letter, without leading dashes");
    }
  }

  /** An option that takes a value: {@code --name VALUE}. */
  public static OptionSpec value(String name, String valueName, String help) {
    return new OptionSpec(name, true, valueName, help);
  }

  /** A flag without a value: {@code --name}. */
  public static OptionSpec flag(String name, String help) {
    return new OptionSpec(name, false, "", help);
  }

  /** How the option is written in help, such as {@code --lambda L}. */
  public String synopsis() {
    return takesValue ? "--" + name + " " + valueName : "--" + name;
  }
}

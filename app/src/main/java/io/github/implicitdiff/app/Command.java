package io.github.implicitdiff.app;

import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import java.util.List;

/**
 * Something the command line runs by name: an {@link Experiment} or a {@link Benchmark}.
 * The framework adds the common options {@code --json FILE}, {@code --png FILE}, {@code --out DIR},
 * {@code --quick} and {@code --quiet} to those the command declares, and writes the returned
 * {@link Result}'s JSON and plots.
 */
public interface Command {
  /** The name typed on the command line: lower case words joined by '-', such as {@code ridge-hyper}. */
  String name();

  /** One line saying what it does and what it shows. */
  String description();

  /** The options this command reads besides the common ones; anything else is rejected. */
  default List<OptionSpec> options() {
    return List.of();
  }

  /**
   * Runs the command. Print tables through {@code output.out()}, notes (such as "standardized ...")
   * through {@code output.note}, progress through {@code output.progress()}; return the JSON fields and
   * plots. {@code options.has("quick")} asks for a small, fast version (used by {@code run all --quick}).
   *
   * @throws io.github.implicitdiff.app.cli.UsageException for bad option values (exit code 2)
   * @throws Exception for anything else (exit code 1)
   */
  Result run(Options options, Output output) throws Exception;
}

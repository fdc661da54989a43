package io.github.implicitdiff.app;

import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.cli.UsageException;
import io.github.implicitdiff.app.report.Json;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Progress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one command: parses its options (declared plus common), runs it, writes its JSON and PNGs, and
 * turns failures into one line on stderr and an exit code (2 for usage, 1 for anything else).
 */
final class CommandRunner {
  /** Options every command accepts. */
  static final List<OptionSpec> COMMON_OPTIONS = List.of(
      OptionSpec.value("json", "FILE", "write the result as JSON to FILE"),
      OptionSpec.value("png", "FILE", "write the plot to FILE (several plots: FILE-<plot>.png);"
          + " default: next to the JSON"),
      OptionSpec.value("out", "DIR", "write <name>.json and <name>[-<plot>].png into DIR"),
      OptionSpec.flag("quick", "a small, fast version of the run"),
      OptionSpec.flag("quiet", "no progress lines"));

  private final PrintStream out;
  private final PrintStream err;
  private final boolean debug;

  CommandRunner(PrintStream out, PrintStream err, boolean debug) {
    this.out = out;
    this.err = err;
    this.debug = debug;
  }

  /** All options a command accepts: its own, then the common ones. */
  static List<OptionSpec> acceptedOptions(Command command) {
    List<OptionSpec> all = new ArrayList<>(command.options());
    all.addAll(COMMON_OPTIONS);
    return all;
  }

  /**
   * Runs {@code command} with {@code args}; {@code verb} ("run" or "bench") prefixes usage errors.
   * @return the exit code
   */
  int run(String verb, Command command, String[] args) {
    String usagePrefix = Main.PROGRAM + ": " + verb + " " + command.name() + ": ";
    Options options;
    try {
      options = Options.parse(acceptedOptions(command), args);
    } catch (UsageException e) {
      err.println(usagePrefix + withoutPrefix(oneLine(e), verb, command.name()));
      return Main.EXIT_USAGE;
    }
    try {
      Output output = new Output(out, options.has("quiet") ? Progress.silent() : Progress.to(err));
      Result result = command.run(options, output);
      if (result == null) {
        throw new IllegalStateException(command.name() + " returned no result");
      }
      write(command, options, output, result);
      return Main.EXIT_OK;
    } catch (UsageException e) {
      err.println(usagePrefix + withoutPrefix(oneLine(e), verb, command.name()));
      return Main.EXIT_USAGE;
    } catch (Exception | StackOverflowError | OutOfMemoryError | AssertionError e) {
      err.println(Main.PROGRAM + ": " + command.name() + ": " + withoutPrefix(oneLine(e), verb, command.name()));
      if (debug) {
        e.printStackTrace(err);
      }
      return Main.EXIT_FAILURE;
    }
  }

  private void write(Command command, Options options, Output output, Result result) {
    Path outDir = options.getPath("out").orElse(null);
    Path json = options.getPath("json").orElse(outDir == null ? null : outDir.resolve(command.name() + ".json"));
    Path png = options.getPath("png").orElse(outDir != null ? outDir.resolve(command.name() + ".png")
        : json == null ? null : sibling(json, ".png"));
    if (json != null) {
      JsonObject document = new JsonObject()
          .put("experiment", command.name())
          .put("options", givenOptions(options))
          .put("notes", output.notes());
      for (Map.Entry<String, Object> field : result.json().fields().entrySet()) {
        if (document.fields().containsKey(field.getKey())) {
          throw new IllegalStateException("result field '" + field.getKey() + "' is reserved"
              + " (experiment, options and notes are added by the framework)");
        }
        document.put(field.getKey(), field.getValue());
      }
      Json.writeFile(json, document);
      out.println("wrote " + json);
    }
    if (png != null) {
      for (Result.NamedPlot plot : result.plots()) {
        Path file = result.plots().size() == 1 ? png : sibling(png, "-" + plot.name() + ".png");
        plot.plot().save(file);
        out.println("wrote " + file);
      }
    }
  }

  private static JsonObject givenOptions(Options options) {
    JsonObject given = new JsonObject();
    for (OptionSpec spec : options.specs()) {
      if (options.has(spec.name())) {
        given.put(spec.name(), spec.takesValue() ? options.getString(spec.name()).orElseThrow() : Boolean.TRUE);
      }
    }
    return given;
  }

  /** {@code file} with its extension (if any) replaced by {@code suffix}: a.json → a.png. */
  static Path sibling(Path file, String suffix) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    return file.resolveSibling(stem + suffix);
  }

  /** The throwable's message on one line, or its class name when it has none. */
  /** The message without a leading "NAME: " or "VERB NAME: " that the runner's own prefix already says. */
  static String withoutPrefix(String message, String verb, String name) {
    for (String prefix : new String[] {verb + " " + name + ": ", name + ": "})
      if (message.startsWith(prefix)) return message.substring(prefix.length());
    return message;
  }

  static String oneLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}

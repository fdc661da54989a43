package io.github.implicitdiff.app;

import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.cli.UsageException;
import io.github.implicitdiff.app.report.Json;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Table;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The command line: {@code run <experiment> [options]}, {@code run all [--out DIR] [--quick]},
 * {@code bench <name> [options]}, {@code list}, {@code help}. {@code --debug} anywhere prints stack traces.
 * Exit codes: 0 success, 1 failure inside an experiment, 2 a usage error (one line on stderr).
 * <pre>{@code
 * int code = new Main(Registry.standard(), System.out, System.err).run("run", "hello-grad", "--x", "1,2");
 * }</pre>
 */
public final class Main {
  /** The program name used in messages. */
  public static final String PROGRAM = "implicitdiff";
  /** Exit code for success. */
  public static final int EXIT_OK = 0;
  /** Exit code for a failure inside a command. */
  public static final int EXIT_FAILURE = 1;
  /** Exit code for a usage error. */
  public static final int EXIT_USAGE = 2;

  /** The options of {@code run all} (package-private for the README check). */
  static final List<OptionSpec> RUN_ALL_OPTIONS = List.of(
      OptionSpec.value("out", "DIR", "output folder (default out/<timestamp>)"),
      OptionSpec.flag("quick", "run each experiment in its quick mode (the default)"),
      OptionSpec.flag("full", "run each experiment at its full size instead of its quick mode"),
      OptionSpec.flag("quiet", "no progress lines"));

  private final Registry registry;
  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;

  /** A command line over {@code registry} printing to {@code out} and {@code err}. */
  public Main(Registry registry, PrintStream out, PrintStream err, Clock clock) {
    this.registry = registry;
    this.out = out;
    this.err = err;
    this.clock = clock;
  }

  /** As above with the system clock (used for the default output folder name). */
  public Main(Registry registry, PrintStream out, PrintStream err) {
    this(registry, out, err, Clock.systemDefaultZone());
  }

  /** Entry point: runs and exits with the exit code. */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    int code = new Main(Registry.standard(), System.out, System.err).run(args);
    System.out.flush();
    System.exit(code);
  }

  /** Runs the command line {@code args}. @return the exit code (never calls System.exit) */
  public int run(String... args) {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    boolean debug = rest.remove("--debug");
    while (rest.remove("--debug")) {
      // a repeated --debug is harmless
    }
    if (rest.isEmpty()) {
      err.print(usage());
      return EXIT_USAGE;
    }
    String verb = rest.get(0);
    List<String> tail = rest.subList(1, rest.size());
    CommandRunner runner = new CommandRunner(out, err, debug);
    switch (verb) {
      case "help", "--help", "-h":
        out.print(usage());
        return EXIT_OK;
      case "list":
        if (!tail.isEmpty()) {
          return usageError("list takes no arguments, got '" + String.join(" ", tail) + "'");
        }
        out.print(list());
        return EXIT_OK;
      case "run":
        if (tail.isEmpty()) {
          return usageError("run: missing experiment name (one of: " + names(registry.experiments()) + ", all)");
        }
        if (tail.get(0).equals("all")) {
          return runAll(runner, tail.subList(1, tail.size()).toArray(new String[0]));
        }
        return runNamed("run", "experiment", registry.experiments(), runner, tail);
      case "bench":
        if (tail.isEmpty()) {
          return usageError("bench: missing benchmark name (one of: " + names(registry.benchmarks()) + ")");
        }
        return runNamed("bench", "benchmark", registry.benchmarks(), runner, tail);
      default:
        return usageError("unknown command '" + verb + "' (commands: run, bench, list, help)");
    }
  }

  private int runNamed(String verb, String kind, List<? extends Command> commands, CommandRunner runner,
      List<String> tail) {
    String name = tail.get(0);
    Command command = commands.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    if (command == null) {
      return usageError(verb + ": unknown " + kind + " '" + name + "' (" + kind + "s: " + names(commands) + ")");
    }
    String[] args = tail.subList(1, tail.size()).toArray(new String[0]);
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      out.print(help(verb, command));
      return EXIT_OK;
    }
    return runner.run(verb, command, args);
  }

  private int runAll(CommandRunner runner, String[] args) {
    Options options;
    try {
      options = Options.parse(RUN_ALL_OPTIONS, args);
    } catch (UsageException e) {
      return usageError("run all: " + e.getMessage());
    }
    Path outDir = options.getPath("out").orElse(Path.of("out",
        LocalDateTime.now(clock).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
    try {
      Files.createDirectories(outDir);
    } catch (java.io.IOException e) {
      return usageError("run all: cannot create output folder " + outDir + ": " + e.getMessage());
    }
    Table summary = new Table("experiment", "status", "seconds");
    List<JsonObject> entries = new ArrayList<>();
    int failures = 0;
    for (Experiment experiment : registry.experiments()) {
      out.println("== " + experiment.name() + " ==");
      List<String> childArgs = new ArrayList<>(List.of("--out", outDir.toString()));
      if (options.has("quick") && options.has("full")) {
        return usageError("run all: --quick and --full exclude each other");
      }
      if (!options.has("full")) {
        childArgs.add("--quick");
      }
      if (options.has("quiet")) {
        childArgs.add("--quiet");
      }
      long start = System.nanoTime();
      int code = runner.run("run", experiment, childArgs.toArray(new String[0]));
      double seconds = (System.nanoTime() - start) * 1e-9;
      String status = code == EXIT_OK ? "ok" : "failed (exit " + code + ")";
      failures += code == EXIT_OK ? 0 : 1;
      summary.row(experiment.name(), status, seconds);
      entries.add(new JsonObject().put("experiment", experiment.name()).put("status", status)
          .put("exit_code", code).put("seconds", seconds));
    }
    out.println();
    out.print(summary.significantDigits(3).render());
    Json.writeFile(outDir.resolve("summary.json"), new JsonObject()
        .put("quick", !options.has("full")).put("experiments", entries));
    String count = entries.size() == 1 ? "1 experiment" : entries.size() + " experiments";
    out.println((failures == 0 ? "ran " + count : failures + " of " + count + " failed") + "; results in " + outDir);
    return failures == 0 ? EXIT_OK : EXIT_FAILURE;
  }

  private int usageError(String message) {
    err.println(PROGRAM + ": " + message);
    return EXIT_USAGE;
  }

  private static String names(List<? extends Command> commands) {
    return commands.isEmpty() ? "none registered"
        : commands.stream().map(Command::name).collect(Collectors.joining(", "));
  }

  private String usage() {
    return "usage: " + PROGRAM + " <command> [options]\n\n"
        + "commands:\n"
        + "  run <experiment> [options]   run one experiment (" + PROGRAM + " run <experiment> --help for its options)\n"
        + "  run all [--out DIR] [--full] [--quiet]\n"
        + "                               run every experiment (quick sizes unless --full), results under DIR\n"
        + "                               (default out/<timestamp>)\n"
        + "  bench <name> [options]       run a benchmark\n"
        + "  list                         list experiments and benchmarks\n"
        + "  help                         this text\n\n"
        + "options for every experiment and benchmark:\n"
        + optionLines(CommandRunner.COMMON_OPTIONS)
        + "  --debug                      print stack traces of failures\n\n"
        + "exit codes: 0 success, 1 failure inside an experiment, 2 usage error\n";
  }

  private String list() {
    StringBuilder text = new StringBuilder("experiments:\n");
    for (Command c : registry.experiments()) {
      text.append(String.format(java.util.Locale.ROOT, "  %-24s %s%n", c.name(), c.description()));
    }
    text.append("benchmarks:\n");
    for (Command c : registry.benchmarks()) {
      text.append(String.format(java.util.Locale.ROOT, "  %-24s %s%n", c.name(), c.description()));
    }
    return text.toString();
  }

  private static String help(String verb, Command command) {
    return "usage: " + PROGRAM + " " + verb + " " + command.name() + " [options]\n"
        + command.description() + "\n\noptions:\n" + optionLines(command.options())
        + "common options:\n" + optionLines(CommandRunner.COMMON_OPTIONS);
  }

  private static String optionLines(List<OptionSpec> specs) {
    StringBuilder text = new StringBuilder();
    for (OptionSpec spec : specs) {
      text.append(String.format(java.util.Locale.ROOT, "  %-28s %s%n", spec.synopsis(), spec.help()));
    }
    return specs.isEmpty() ? "  (none)\n" : text.toString();
  }
}

package io.github.implicitdiff.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.app.cli.OptionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The command lines the project README shows exist: every {@code ./implicitdiff run X} and {@code bench X} names a
 * registered command, and every {@code --option} written next to it, or in the README section about X, is one X
 * accepts. Guards the README against renamed or removed experiments and options.
 */
class ReadmeCommandsTest {
  static final Path README = Path.of("..", "README.md");
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`\n]+)`");
  private static final Pattern COMMAND = Pattern.compile("\\./implicitdiff (run|bench) ([a-z<>-]+)");
  private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--([a-z][a-z0-9-]*)");
  private static final Pattern SECTION = Pattern.compile("^### (?:bench )?([a-z-]+)$", Pattern.MULTILINE);
  /** Placeholders the README writes for "any experiment" or "any benchmark". */
  private static final Set<String> PLACEHOLDERS = Set.of("<experiment>", "<benchmark>", "<name>");

  private final Registry registry = Registry.standard();

  /** The README without its Java programs (their text is checked by compiling them, see ReadmeExamplesTest). */
  static String readmeProse() throws Exception {
    return Files.readString(README).replaceAll("(?s)```java\\n.*?```", "");
  }

  /** The inline code spans of the text and the lines of its plain fenced blocks. */
  static List<String> codeSnippets(String text) {
    List<String> snippets = new ArrayList<>();
    Matcher fenced = Pattern.compile("(?s)```\\n(.*?)```").matcher(text);
    while (fenced.find()) snippets.addAll(List.of(fenced.group(1).split("\n")));
    Matcher span = CODE_SPAN.matcher(text.replaceAll("(?s)```\\n.*?```", ""));
    while (span.find()) snippets.add(span.group(1));
    return snippets;
  }

  static List<String> options(String snippet) {
    List<String> found = new ArrayList<>();
    Matcher m = OPTION.matcher(snippet);
    while (m.find()) found.add(m.group(1));
    return found;
  }

  /** The options {@code kind name} accepts (its own, the common ones, and --help), or empty if there is no such command. */
  Optional<Set<String>> accepted(String kind, String name) {
    List<OptionSpec> specs;
    if (kind.equals("run") && name.equals("all")) {
      specs = Main.RUN_ALL_OPTIONS;
    } else {
      Optional<? extends Command> command = kind.equals("run") ? registry.experiment(name) : registry.benchmark(name);
      if (command.isEmpty()) return Optional.empty();
      specs = CommandRunner.acceptedOptions(command.get());
    }
    Set<String> names = new TreeSet<>();
    for (OptionSpec s : specs) names.add(s.name());
    names.add("help");
    return Optional.of(names);
  }

  /** What is wrong with the command lines in {@code text}: unknown commands and options, one line each. */
  List<String> commandLineProblems(String text) {
    List<String> problems = new ArrayList<>();
    for (String snippet : codeSnippets(text)) {
      Matcher m = COMMAND.matcher(snippet);
      while (m.find()) {
        String kind = m.group(1), name = m.group(2);
        if (PLACEHOLDERS.contains(name)) continue;
        Optional<Set<String>> accepted = accepted(kind, name);
        if (accepted.isEmpty()) {
          problems.add("no command '" + kind + " " + name + "' (in `" + snippet + "`)");
          continue;
        }
        int end = snippet.indexOf("./implicitdiff", m.end());
        for (String option : options(snippet.substring(m.end(), end < 0 ? snippet.length() : end)))
          if (!accepted.get().contains(option)) problems.add(kind + " " + name + " has no option --" + option + " (in `" + snippet + "`)");
      }
    }
    return problems;
  }

  /** What is wrong with the options named in the README's "### name" sections about an experiment or benchmark. */
  List<String> sectionProblems(String text, List<String> sectionsSeen) {
    List<String> problems = new ArrayList<>();
    Matcher heading = SECTION.matcher(text);
    List<int[]> bounds = new ArrayList<>();
    List<String[]> commands = new ArrayList<>();
    while (heading.find()) {
      String name = heading.group(1);
      String kind = heading.group(0).startsWith("### bench ") ? "bench" : "run";
      bounds.add(new int[] {heading.end(), 0});
      commands.add(new String[] {kind, name});
    }
    for (int i = 0; i < bounds.size(); i++) {
      int next = text.indexOf("\n#", bounds.get(i)[0]);
      String section = text.substring(bounds.get(i)[0], next < 0 ? text.length() : next);
      String kind = commands.get(i)[0], name = commands.get(i)[1];
      Optional<Set<String>> accepted = accepted(kind, name);
      if (accepted.isEmpty()) {
        problems.add("section '### " + (kind.equals("bench") ? "bench " : "") + name + "' names no command");
        continue;
      }
      sectionsSeen.add(kind + " " + name);
      for (String snippet : codeSnippets(section)) {
        if (COMMAND.matcher(snippet).find()) continue; // checked against its own command
        for (String option : options(snippet))
          if (!accepted.get().contains(option)) problems.add("section " + name + ": " + kind + " " + name + " has no option --" + option);
      }
    }
    return problems;
  }

  @Test
  void everyCommandLineInTheReadmeNamesARegisteredCommandAndItsOptions() throws Exception {
    assertEquals(List.of(), commandLineProblems(readmeProse()));
  }

  @Test
  void optionsInEachExperimentAndBenchmarkSectionBelongToThatCommand() throws Exception {
    List<String> seen = new ArrayList<>();
    assertEquals(List.of(), sectionProblems(readmeProse(), seen));
    // the README has a section per experiment with results and per benchmark: the check above covered them
    assertTrue(seen.size() >= 14, "sections checked: " + seen);
  }

  @Test
  void theChecksCatchAnUnknownCommandOrOption() {
    assertEquals(List.of("no command 'run no-such' (in `./implicitdiff run no-such --quick`)"),
        commandLineProblems("`./implicitdiff run no-such --quick`"));
    assertEquals(List.of("run ridge has no option --lambdas (in `./implicitdiff run ridge --lambdas 0.1`)"),
        commandLineProblems("`./implicitdiff run ridge --lambdas 0.1`"));
    assertEquals(List.of("bench implicit has no option --steps (in `./implicitdiff bench implicit --steps 3`)"),
        commandLineProblems("```\n./implicitdiff bench implicit --steps 3\n```\n"));
    assertEquals(List.of(), commandLineProblems("`./implicitdiff run all --full` and `./implicitdiff run <experiment> --help`"));
    List<String> seen = new ArrayList<>();
    assertEquals(List.of("section deq: run deq has no option --anderson"),
        sectionProblems("### deq\n\nwith `--forward anderson` or `--anderson`\n\n## Next\n`--anderson`", seen));
    assertEquals(List.of("section '### bench nothing' names no command"), sectionProblems("### bench nothing\n", seen));
  }
}

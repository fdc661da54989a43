package io.github.implicitdiff.app.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.app.Main;
import io.github.implicitdiff.app.Registry;
import io.github.implicitdiff.app.report.MiniJsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs the command line in-process, capturing its exit code, console, errors and JSON. */
record CommandLineRun(int code, String out, String err, Map<String, Object> json) {
  @SuppressWarnings("unchecked")
  static CommandLineRun run(Path json, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int code = new Main(Registry.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    Map<String, Object> doc = json != null && Files.exists(json)
        ? (Map<String, Object>) MiniJsonParser.parse(Files.readString(json)) : null;
    return new CommandLineRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), doc);
  }

  /** Runs {@code run <experiment> --quick --json dir/<file> --quiet} and asserts that it exits with 0. */
  static CommandLineRun quick(Path dir, String experiment, String file) throws Exception {
    Path json = dir.resolve(file);
    CommandLineRun r = run(json, "run", experiment, "--quick", "--json", json.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    return r;
  }

  /**
   * Asserts that {@code run <experiment> --option value} ends with exit code 2 and one line naming the option,
   * for each entry of {@code bad}.
   */
  static void assertEachEndsInOneLine(String experiment, Map<String, String> bad) throws Exception {
    for (var e : bad.entrySet()) assertUsageErrorNaming(e.getKey(), "run", experiment, e.getKey(), e.getValue());
  }

  /** Runs the command line with {@code args} and checks it ends with exit code 2 and one error line naming {@code option}. */
  static void assertUsageErrorNaming(String option, String... args) throws Exception {
    CommandLineRun r = run(null, args);
    assertEquals(2, r.code(), String.join(" ", args));
    assertTrue(r.err().contains(option) && r.err().strip().lines().count() == 1, r.err());
  }

  /** The list of numbers under {@code key}. */
  @SuppressWarnings("unchecked")
  List<Double> numbers(String key) {
    return (List<Double>) json.get(key);
  }

  double number(String key) {
    return ((Number) json.get(key)).doubleValue();
  }
}

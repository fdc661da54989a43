package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Main;
import io.github.implicitdiff.app.Registry;
import io.github.implicitdiff.app.report.MiniJsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** Runs {@code run <experiment> --quick --json <json> --quiet} and asserts that it succeeded. */
  static CommandLineRun quick(Path json, String experiment) throws Exception {
    CommandLineRun r = run(json, "run", experiment, "--quick", "--json", json.toString(), "--quiet");
    org.junit.jupiter.api.Assertions.assertEquals(0, r.code(), r.err());
    return r;
  }

  /**
   * Runs {@code run <experiment> <option> <value>} for each bad value and asserts that each ends with exit code 2 and
   * one line of errors naming the option.
   */
  static void assertBadValuesEndInOneLine(String experiment, Map<String, String> bad) throws Exception {
    for (var e : bad.entrySet()) {
      CommandLineRun r = run(null, "run", experiment, e.getKey(), e.getValue());
      org.junit.jupiter.api.Assertions.assertEquals(2, r.code(), e.toString());
      org.junit.jupiter.api.Assertions.assertTrue(r.err().contains(e.getKey()) && r.err().strip().lines().count() == 1, r.err());
    }
  }

  double number(String key) {
    return ((Number) json.get(key)).doubleValue();
  }
}

package io.github.implicitdiff.app.bench;

import static org.junit.jupiter.api.Assertions.*;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench solvers --quick} end to end: every row present, timings positive, implicit and unrolled gradients agree. */
class SolversBenchmarkTest {
  @Test
  @SuppressWarnings("unchecked")
  void quickRunWritesEveryProblemWithAgreeingGradients(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("solvers.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int code = new Main(Registry.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run("bench", "solvers", "--quick", "--quiet", "--json", json.toString());
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    Map<String, Object> doc = (Map<String, Object>) MiniJsonParser.parse(Files.readString(json));
    List<Map<String, Object>> problems = (List<Map<String, Object>>) doc.get("problems");
    assertEquals(List.of("lasso-proxgrad", "lasso-proxgrad-active-set", "svm-dual-mirror-descent", "svm-dual-bcd",
        "qp-interior-point", "bounded-lsq-lbfgsb"), problems.stream().map(p -> p.get("name")).toList());
    for (Map<String, Object> p : problems) {
      String name = (String) p.get("name");
      for (String key : List.of("solve_s", "implicit_s", "unrolled_s"))
        assertTrue(number(p, key) > 0, name + " " + key + " = " + p.get(key));
      assertTrue(number(p, "iterations") >= 1, name);
      assertTrue(number(p, "linear_solve_iterations") >= 1, name);
      assertTrue(number(p, "gradient_agreement") < 1e-4, name + " gradient_agreement " + p.get("gradient_agreement"));
      List<Double> gi = (List<Double>) p.get("gradient_implicit");
      assertTrue(gi.stream().anyMatch(v -> v != 0), name + ": zero gradient " + gi);
    }
    Map<String, Object> full = problems.get(0), reduced = problems.get(1);
    assertEquals(number(full, "iterations"), number(reduced, "iterations"));
    assertEquals("cg", reduced.get("linear_solver"));
    assertTrue(number(reduced, "linear_solve_size") < number(full, "linear_solve_size"), "the active-set system is smaller");
  }

  @Test
  void unknownProblemIsAUsageError() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int code = new Main(Registry.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run("bench", "solvers", "--quick", "--problems", "nope");
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--problems"), err.toString(StandardCharsets.UTF_8));
  }

  private static double number(Map<String, Object> row, String key) {
    return ((Number) row.get(key)).doubleValue();
  }
}

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

/** The benchmark commands at their quick sizes: they run, write the documented JSON, and their methods agree. */
class BenchmarksEndToEndTest {
  @SuppressWarnings("unchecked")
  static Map<String, Object> run(Path json, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int code = new Main(Registry.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return (Map<String, Object>) MiniJsonParser.parse(Files.readString(json));
  }

  @Test
  @SuppressWarnings("unchecked")
  void implicitBenchmarkAgreesAcrossMethodsAndUnrolledMemoryGrowsWithK(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("implicit.json");
    Map<String, Object> doc = run(json, "bench", "implicit", "--quick", "--quiet", "--json", json.toString());
    Map<String, Object> size = ((List<Map<String, Object>>) doc.get("sizes")).get(0);
    double implicit = ((Number) size.get("hypergradient_implicit")).doubleValue();
    double dense = ((Number) size.get("hypergradient_dense")).doubleValue();
    assertEquals(dense, implicit, 1e-8 * Math.abs(dense));
    for (String k : List.of("implicit_s", "implicit_alone_s", "unrolled_reverse_s", "unrolled_forward_s", "dense_s", "unrolled_over_implicit"))
      assertTrue(((Number) size.get(k)).doubleValue() > 0, k);
    // the inner solve and the adjoint solve are CG on the same matrix to the same tolerance: similar counts
    int inner = ((Number) size.get("cg_iterations_inner")).intValue(), adjoint = ((Number) size.get("cg_iterations_adjoint")).intValue();
    assertTrue(inner > 5 && adjoint > 5 && Math.abs(inner - adjoint) <= 0.3 * inner, inner + " inner, " + adjoint + " adjoint");
    assertEquals(2 * (inner + adjoint), ((Number) size.get("x_products_cg_loops")).intValue());
    List<Map<String, Object>> memory = (List<Map<String, Object>>) doc.get("memory_vs_K");
    long unrolledSmall = ((Number) memory.get(0).get("unrolled_bytes")).longValue();
    long unrolledLarge = ((Number) memory.get(memory.size() - 1).get("unrolled_bytes")).longValue();
    assertTrue(unrolledLarge > unrolledSmall, "the unrolled tape grows with K: " + memory);
    // K = 1000 in segments of 32: about 64 recorded states against 1000
    long checkpointedLarge = ((Number) memory.get(memory.size() - 1).get("checkpointed_bytes")).longValue();
    assertTrue(checkpointedLarge < 0.75 * unrolledLarge, "checkpointing keeps less than the unrolled tape: " + memory);
    assertEquals(((Number) size.get("hypergradient_unrolled_reverse")).doubleValue(),
        ((Number) size.get("hypergradient_unrolled_checkpointed")).doubleValue(), 1e-12 * Math.abs(implicit));
  }

  @Test
  void parallelBenchmarkAgreesWithTheSequentialMap(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("parallel.json");
    Map<String, Object> doc = run(json, "bench", "parallel", "--quick", "--quiet", "--problems", "3", "--json", json.toString());
    double sequential = ((Number) doc.get("hypergradient_sequential")).doubleValue();
    assertTrue(Math.abs(sequential) > 1e-6, "a nonzero hypergradient: " + doc);
    assertEquals(sequential, ((Number) doc.get("hypergradient_parallel")).doubleValue(), 1e-12 * Math.abs(sequential));
    for (String k : List.of("sequential_s", "parallel_s", "speedup"))
      assertTrue(((Number) doc.get(k)).doubleValue() > 0, k);
    assertTrue(((Number) doc.get("lbfgs_iterations_min")).intValue() > 3, doc.toString());
  }

  @Test
  void autodiffBenchmarkWritesItsRatios(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("autodiff.json");
    Map<String, Object> doc = run(json, "bench", "autodiff", "--quick", "--quiet", "--json", json.toString());
    for (String k : List.of("grad_over_eval", "hvp_over_eval", "linearized_hvp_over_eval", "matmul_gflops"))
      assertTrue(((Number) doc.get(k)).doubleValue() > 0, k);
  }

  @Test
  @SuppressWarnings("unchecked")
  void stochasticBenchmarkReachesTheToleranceAndAgreesWithLbfgs(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("stochastic.json");
    Map<String, Object> doc = run(json, "bench", "stochastic", "--quick", "--quiet", "--size", "1000x10", "--json", json.toString());
    List<Map<String, Object>> rows = (List<Map<String, Object>>) doc.get("solvers");
    assertEquals(List.of("LBFGS", "ArmijoSGD", "PolyakSGD", "MinibatchAdam", "Nesterov", "RMSProp"), rows.stream().map(r -> r.get("solver")).toList());
    for (Map<String, Object> r : rows) {
      assertEquals(Boolean.TRUE, r.get("converged"), r.toString());
      assertTrue(((Number) r.get("error")).doubleValue() <= 1e-4, r.toString());
      // tol 1e-4 on the gradient: the hypergradient within a few percent of L-BFGS's at 1e-10
      assertTrue(((Number) r.get("rel_diff_implicit")).doubleValue() < 0.05, r.toString());
      if (r.get("solver").equals("LBFGS")) continue;
      assertTrue(((Number) r.get("rel_diff_unrolled")).doubleValue() < 0.05, r.toString());
      // the checkpointed recording replays the same steps: the same hypergradient
      assertEquals(((Number) r.get("hypergradient_unrolled")).doubleValue(), ((Number) r.get("hypergradient_checkpointed")).doubleValue(),
          1e-10, r.toString());
    }
  }
}

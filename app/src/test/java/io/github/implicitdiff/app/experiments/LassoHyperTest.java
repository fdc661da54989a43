package io.github.implicitdiff.app.experiments;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LassoHyperTest {
  /**
   * On 40 samples of 6 features (3 of them in the model) at a λ where the support is stable (every nonzero weight
   * at least 0.02 from 0, every inactive gradient at least 0.02 below ρλ): the implicit derivative of w*(λ), through the
   * support-reduced and through the full system, against the support closed form (4) and against central differences
   * of cold, tight solves; the closed form itself against the differences; and the validation hypergradient in
   * log λ against central differences. A wrong sign, a dropped (1 − ρ) term or a missing 1/n is off by order one.
   */
  @ParameterizedTest
  @ValueSource(doubles = {1.0, 0.5})
  void derivativeMatchesClosedFormAndCentralDifferences(double rho) {
    Random rng = new Random(3);
    int n = 40, d = 6;
    Tensor X = Tensor.randn(rng, n, d), Xv = Tensor.randn(rng, 20, d);
    Tensor wTrue = Tensor.of(2, -1.5, 0, 1, 0, 0);
    Tensor y = X.matmul(wTrue).add(Tensor.randn(rng, n).mul(0.5)), yv = Xv.matmul(wTrue).add(Tensor.randn(rng, 20).mul(0.5));
    ElasticNetPath path = new ElasticNetPath(X, y, rho, true, 1e-12);
    double lambda = rho == 1 ? 0.3 : 0.5;
    Tensor w = path.solve(lambda);
    assertStableSupport(X, y, w, lambda, rho);
    assertTrue(ElasticNetPath.support(w) >= 3 && ElasticNetPath.support(w) < d, w.toString());

    Tensor closed = path.closedFormDerivative(lambda, w);
    Tensor reduced = AD.jvp(path::solve, Tensor.scalar(lambda), Tensor.scalar(1)).outTangent();
    Tensor full = AD.jvp(path.withActiveSet(false)::solve, Tensor.scalar(lambda), Tensor.scalar(1)).outTangent();
    ElasticNetPath cold = path.cold(1e-13);
    double h = 1e-5;
    Tensor fd = cold.solve(lambda + h).sub(cold.solve(lambda - h)).div(2 * h);
    double scale = closed.maxAbs();
    assertTrue(scale > 0.1, "a non-trivial derivative: " + closed);
    assertEquals(0, reduced.sub(closed).maxAbs(), 1e-10 * scale, "reduced vs closed form"); // measured 3e-16 (lasso), 2e-13 (ρ = 0.5)
    assertEquals(0, full.sub(closed).maxAbs(), 1e-7 * scale, "full system vs closed form"); // measured 3e-16, 4e-16
    assertEquals(0, fd.sub(closed).maxAbs(), 1e-6 * scale, "central differences vs closed form"); // measured 1e-11, 3e-11

    TensorFunction outer = s -> LassoHyper.mse(path.solve(s.exp()), Xv, yv);
    Tensor s = Tensor.scalar(Math.log(lambda));
    double g = AD.grad(outer, s).item();
    double hs = 1e-5;
    double gfd = (LassoHyper.mse(cold.solve(Math.exp(s.item() + hs)), Xv, yv).item()
        - LassoHyper.mse(cold.solve(Math.exp(s.item() - hs)), Xv, yv).item()) / (2 * hs);
    assertTrue(Math.abs(gfd) > 1e-3, "a non-trivial hypergradient: " + gfd);
    assertEquals(gfd, g, 1e-6 * Math.abs(gfd)); // measured 4e-11, 5e-12 (relative)
  }

  private static void assertStableSupport(Tensor X, Tensor y, Tensor w, double lambda, double rho) {
    double[] grad = X.T().matmul(X.matmul(w).sub(y)).div(X.dim(0)).toDoubleArray(), wv = w.toDoubleArray();
    for (int i = 0; i < wv.length; i++) {
      if (wv[i] != 0) assertTrue(Math.abs(wv[i]) > 0.02, "weight " + i + " near 0: " + wv[i]);
      else assertTrue(Math.abs(grad[i]) < rho * lambda - 0.02, "coordinate " + i + " near its kink: " + grad[i]);
    }
  }

  @Test
  void quickRunBeatsTheStartAndMatchesTheGrid(@TempDir Path dir) throws Exception {
    CommandLineRun r = CommandLineRun.quick(dir, "lasso-hyper", "l.json");
    int steps = (int) r.number("steps");
    List<Double> lambdas = r.numbers("path_lambda"), loss = r.numbers("path_val_mse");
    assertEquals(steps + 1, lambdas.size());
    assertEquals(steps + 1, r.numbers("path_support").size());
    assertEquals(r.number("lambda_max") / 2, lambdas.get(0), 1e-9 * lambdas.get(0));
    double hyper = r.number("hyper_val_mse");
    // the outcome: far below the start and the training mean, within 0.5% of the best of the grid's validation MSEs
    assertTrue(hyper < 0.85 * loss.get(0), hyper + " vs the start " + loss.get(0));
    assertTrue(hyper < r.number("least_squares_val_mse") && hyper < 0.6 * r.number("mean_val_mse"), String.valueOf(hyper));
    assertTrue(hyper < 1.005 * r.number("grid_best_val_mse"), hyper + " vs the grid's " + r.number("grid_best_val_mse"));
    assertTrue(r.number("fd_relative_difference") < 1e-6, "measured 7.5e-11");
    assertTrue(r.number("closed_form_relative_difference") < 1e-10, "measured 7e-16");
    assertTrue(r.number("active_set_vs_full_relative_difference") < 1e-6, "measured 2e-9 to 1.1e-7");
    for (String key : List.of("hypergradient_ms_active_set", "hypergradient_ms_full_system", "grid_seconds", "hyper_test_mse"))
      assertTrue(r.json().get(key) instanceof Number, key);
    assertTrue(Files.size(dir.resolve("l.png")) > 1000);
  }

  @Test
  void elasticNetRuns(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("e.json");
    CommandLineRun r = CommandLineRun.run(json, "run", "lasso-hyper", "--elastic-net", "--l1-ratio", "0.5", "--steps", "6",
        "--grid", "6", "--json", json.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    assertEquals(0.5, r.number("l1_ratio"));
    assertTrue(r.number("hyper_val_mse") < r.numbers("path_val_mse").get(0));
    assertTrue(r.number("fd_relative_difference") < 1e-6);
  }

  @Test
  void badOptionValuesEndInOneLine() throws Exception {
    CommandLineRun.assertEachEndsInOneLine("lasso-hyper", Map.of("--steps", "0", "--lr", "0", "--grid", "2",
        "--lambda", "-1", "--l1-ratio", "0.5", "--seed", "x"));
    CommandLineRun.assertUsageErrorNaming("--l1-ratio", "run", "lasso-hyper", "--elastic-net", "--l1-ratio", "1.5");
  }
}

package io.github.implicitdiff.app.experiments;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SvmHyperTest {
  private static final int M = 30, P = 4, K = 3;

  /** 30 points of 3 overlapping Gaussian classes in 4 dimensions (not separable), a constant feature appended. */
  private static Tensor[] data(Random rng, int m, int[] labels) {
    Tensor centres = Tensor.randn(rng, K, P).mul(0.7);
    for (int i = 0; i < m; i++) labels[i] = i % K;
    return new Tensor[] {SvmHyper.withConstant(centres.take(labels, 0).add(Tensor.randn(rng, m, P)))};
  }

  /**
   * (With better separated classes W(λ) is constant over ranges of λ, where the margin constraints alone fix it:
   * the derivatives below would be zero and prove nothing.)
   * dW/dλ of the primal weights through the dual solved by block coordinate descent against central differences of
   * cold solves to 1e-12, element by element, and the validation hypergradient in log λ likewise, at a λ where no
   * row of β* changes face between λ − h and λ + h (same zero pattern). A transposed or sign-flipped ∂β*(λ)/∂λ, or a
   * dropped −W/λ term, is off by order one.
   */
  @Test
  void hypergradientMatchesCentralDifferences() {
    Random rng = new Random(5);
    int[] y = new int[M], yv = new int[20];
    Tensor X = data(rng, M, y)[0], Xv = data(rng, 20, yv)[0];
    SvmDualPath path = new SvmDualPath(X, y, K, SvmDualPath.Method.BLOCK_COORDINATE_DESCENT, 1e-12);
    SvmDualPath cold = path.cold(1e-12);
    double lambda = 10.0, h = 1e-5;
    Tensor plus = cold.dual(Tensor.scalar(lambda * Math.exp(h))).concrete();
    Tensor minus = cold.dual(Tensor.scalar(lambda * Math.exp(-h))).concrete();
    assertArrayEquals(zeros(plus), zeros(minus), "the dual's support changes between λ ± h");
    int sv = 0;
    for (boolean z : zeros(plus)) if (!z) sv++;
    assertTrue(sv > M, "some rows off their vertex: " + sv + " nonzeros");

    Tensor dW = AD.jvp(path::weights, Tensor.scalar(lambda), Tensor.scalar(1)).outTangent();
    double hl = 1e-4;
    Tensor fdW = cold.weights(Tensor.scalar(lambda + hl)).concrete().sub(cold.weights(Tensor.scalar(lambda - hl)).concrete())
        .div(2 * hl);
    assertTrue(fdW.maxAbs() > 1e-2, "a non-trivial derivative: " + fdW);
    assertEquals(0, dW.sub(fdW).maxAbs(), 1e-5 * fdW.maxAbs(), "dW/dλ"); // measured 9e-9 (relative to max)

    Tensor s = Tensor.scalar(Math.log(lambda));
    double g = AD.grad(t -> SvmDualPath.logisticLoss(path.weights(t.exp()), Xv, yv), s).item();
    double fd = (SvmDualPath.logisticLoss(cold.weights(Tensor.scalar(lambda * Math.exp(h))), Xv, yv).item()
        - SvmDualPath.logisticLoss(cold.weights(Tensor.scalar(lambda * Math.exp(-h))), Xv, yv).item()) / (2 * h);
    assertTrue(Math.abs(fd) > 1e-3, "a non-trivial hypergradient: " + fd);
    assertEquals(fd, g, 1e-6 * Math.abs(fd)); // measured 5e-9 (relative)
  }

  /** The same hypergradient through block coordinate descent and through mirror descent, both solved tightly. */
  @Test
  void blockCoordinateAndMirrorDescentAgree() {
    Random rng = new Random(5);
    int[] y = new int[M], yv = new int[20];
    Tensor X = data(rng, M, y)[0], Xv = data(rng, 20, yv)[0];
    Tensor s = Tensor.scalar(Math.log(10.0));
    double[] g = new double[2];
    Tensor[] dW = new Tensor[2];
    SvmDualPath.Method[] methods = SvmDualPath.Method.values();
    for (int i = 0; i < 2; i++) {
      SvmDualPath path = new SvmDualPath(X, y, K, methods[i], 1e-11);
      g[i] = AD.grad(t -> SvmDualPath.logisticLoss(path.weights(t.exp()), Xv, yv), s).item();
      dW[i] = AD.jvp(path::weights, Tensor.scalar(10.0), Tensor.scalar(1)).outTangent();
    }
    assertTrue(Math.abs(g[0]) > 1e-3, String.valueOf(g[0]));
    assertEquals(g[0], g[1], 1e-5 * Math.abs(g[0])); // measured 4e-10 (relative); mirror descent approaches zeros only asymptotically
    assertEquals(0, dW[0].sub(dW[1]).maxAbs(), 1e-5 * dW[0].maxAbs()); // measured 5e-9 (relative to max |dW/dλ|)
  }

  private static boolean[] zeros(Tensor beta) {
    double[] v = beta.toDoubleArray();
    boolean[] z = new boolean[v.length];
    for (int i = 0; i < v.length; i++) z[i] = v[i] < 1e-9;
    return z;
  }

  @Test
  void quickRunDescendsToTheGridOptimum(@TempDir Path dir) throws Exception {
    CommandLineRun r = CommandLineRun.quick(dir, "svm-hyper", "s.json");
    int steps = (int) r.number("steps");
    List<Double> loss = r.numbers("path_val_loss");
    assertEquals(steps + 1, loss.size());
    assertEquals(steps + 1, r.numbers("path_test_accuracy").size());
    double hyper = r.number("hyper_val_loss");
    // the outcome: well below the start, within 1% of the grid's best validation loss, and an accurate classifier
    assertTrue(hyper < 0.6 * loss.get(0), hyper + " vs the start " + loss.get(0));
    assertTrue(hyper < 1.01 * r.number("grid_best_val_loss"), hyper + " vs the grid's " + r.number("grid_best_val_loss"));
    assertTrue(r.number("hyper_test_accuracy") >= 0.9, String.valueOf(r.number("hyper_test_accuracy")));
    assertTrue(r.number("fd_relative_difference") < 1e-5, "measured 1.6e-7");
    assertTrue(r.number("solvers_relative_difference") < 1e-5, "measured 3.4e-7");
    assertTrue(Files.size(dir.resolve("s.png")) > 1000);
  }

  @Test
  void badOptionValuesEndInOneLine() throws Exception {
    CommandLineRun.assertEachEndsInOneLine("svm-hyper", Map.of("--dataset", "digits", "--solver", "newton", "--steps", "0",
        "--lambda", "0", "--grid", "3", "--lr", "5"));
  }
}

package io.github.implicitdiff.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Power iteration against matrices built with known spectra (Q diag(λ) Qᵀ, U diag(s) Vᵀ). */
class PowerIterationTest {
  /** A random n×n orthogonal matrix by Gram–Schmidt on Gaussian columns. */
  private static double[][] orthogonal(Random rng, int n) {
    double[][] q = new double[n][n];
    for (int j = 0; j < n; j++) {
      double[] c = new double[n];
      for (int i = 0; i < n; i++) c[i] = rng.nextGaussian();
      for (int k = 0; k < j; k++) {
        double dot = 0;
        for (int i = 0; i < n; i++) dot += c[i] * q[i][k];
        for (int i = 0; i < n; i++) c[i] -= dot * q[i][k];
      }
      double norm = 0;
      for (double x : c) norm += x * x;
      for (int i = 0; i < n; i++) q[i][j] = c[i] / Math.sqrt(norm);
    }
    return q;
  }

  /** Q diag(λ) Qᵀ, exactly symmetric. */
  private static Tensor withSpectrum(double[][] q, double[] lambda) {
    int n = lambda.length;
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++)
      for (int j = 0; j <= i; j++) {
        for (int k = 0; k < n; k++) a[i][j] += q[i][k] * lambda[k] * q[j][k];
        a[j][i] = a[i][j];
      }
    return Tensor.of(a);
  }

  @Test
  void convergesToTheLargestMagnitudeEigenvalueFromBelowWithItsVector() {
    for (int seed = 0; seed < 8; seed++) {
      Random rng = new Random(seed);
      int n = 5 + 3 * seed;
      double[] lambda = new double[n];
      for (int i = 0; i < n; i++) lambda[i] = rng.nextDouble() * 2 - 1;   // in (−1, 1)
      double top = seed % 2 == 0 ? 3.0 : -3.0;                           // |λ|_max, of either sign
      lambda[rng.nextInt(n)] = top;
      int topIndex = java.util.stream.IntStream.range(0, n).filter(i -> lambda[i] == top).findFirst().getAsInt();
      double[][] q = orthogonal(rng, n);
      LinearOperator A = LinearOperator.dense(withSpectrum(q, lambda));
      PowerIteration.Estimate e = PowerIteration.run(A, TestProblems.randomVector(rng, n), 500, 1e-13);
      assertTrue(e.converged(), "seed " + seed);
      assertEquals(3.0, e.value(), 1e-11, "seed " + seed);
      double align = 0;
      for (int i = 0; i < n; i++) align += e.vector().get(i) * q[i][topIndex];
      assertEquals(1.0, Math.abs(align), 1e-6, "eigenvector, seed " + seed);
      // a lower estimate at every budget
      for (int k = 1; k <= 6; k++)
        assertTrue(PowerIteration.run(A, PowerIteration.genericStart(n), k, 0).value() <= 3.0 * (1 + 1e-14), "k = " + k);
      assertEquals(3.0, PowerIteration.largestEigenvalue(A), 1e-8, "default budget, seed " + seed);
    }
  }

  @Test
  void gramEigenvalueIsTheSquaredLargestSingularValue() {
    for (int seed = 0; seed < 5; seed++) {
      Random rng = new Random(100 + seed);
      int m = 12, n = 6;
      double[][] u = orthogonal(rng, m), v = orthogonal(rng, n);
      double[] s = {2.5, 1.1, 0.9, 0.5, 0.3, 0.1};
      double[][] x = new double[m][n];
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
          for (int k = 0; k < n; k++) x[i][j] += u[i][k] * s[k] * v[j][k];
      assertEquals(2.5 * 2.5, PowerIteration.gramEigenvalue(Tensor.of(x)), 1e-9, "seed " + seed);
    }
  }

  @Test
  void aStartInTheNullSpaceGivesZeroAndAFixedBudgetRunsEveryIteration() {
    LinearOperator A = LinearOperator.dense(Tensor.of(new double[][] {{2, 0}, {0, 0}}));
    PowerIteration.Estimate e = PowerIteration.run(A, Tensor.of(0, 1), 10, 1e-10);
    assertEquals(0, e.value());
    assertEquals(1, e.iterations());
    PowerIteration.Estimate fixed = PowerIteration.run(A, Tensor.of(1, 1), 7, 0);
    assertEquals(7, fixed.iterations());
    assertFalse(fixed.converged());
    assertEquals(2, fixed.value(), 1e-15);
  }

  @Test
  void badInputFailsNamingTheProblem() {
    LinearOperator sym = LinearOperator.dense(Tensor.eye(3));
    LinearOperator nonsym = LinearOperator.of(3, v -> v, null, false);
    assertMessage("symmetric", () -> PowerIteration.run(nonsym, Tensor.ones(3), 10, 1e-8));
    assertMessage("length 3", () -> PowerIteration.run(sym, Tensor.ones(4), 10, 1e-8));
    assertMessage("nonzero", () -> PowerIteration.run(sym, Tensor.zeros(3), 10, 1e-8));
    assertMessage("nonzero", () -> PowerIteration.run(sym, Tensor.of(1, Double.NaN, 0), 10, 1e-8));
    assertMessage("maxIterations", () -> PowerIteration.run(sym, Tensor.ones(3), 0, 1e-8));
    assertMessage("tol", () -> PowerIteration.run(sym, Tensor.ones(3), 10, Double.NaN));
    LinearOperator blowsUp = LinearOperator.symmetric(3, v -> v.mul(Double.POSITIVE_INFINITY));
    assertMessage("not finite", () -> PowerIteration.run(blowsUp, Tensor.ones(3), 10, 1e-8));
    assertMessage("matrix", () -> PowerIteration.gramEigenvalue(Tensor.ones(3)));
  }

  private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains("PowerIteration") && e.getMessage().contains(fragment), e.getMessage());
  }
}

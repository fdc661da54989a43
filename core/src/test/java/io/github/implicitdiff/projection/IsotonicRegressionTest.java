package io.github.implicitdiff.projection;

import static io.github.implicitdiff.projection.DerivativeChecks.assertClose;
import static io.github.implicitdiff.projection.DerivativeChecks.assertJacobianMatchesFiniteDifferences;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsotonicRegressionTest {
  private static final int N = 7;

  /** Brute force: every split into consecutive blocks, block means, the best monotone candidate. */
  private static double[] bruteForce(double[] x, Monotonicity order) {
    int n = x.length;
    double bestObjective = Double.POSITIVE_INFINITY;
    double[] best = null;
    for (int cuts = 0; cuts < 1 << (n - 1); cuts++) {
      double[] y = new double[n];
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (i == n - 1 || (cuts >> i & 1) == 1) {
          double mean = 0;
          for (int j = start; j <= i; j++) mean += x[j];
          mean /= i - start + 1;
          for (int j = start; j <= i; j++) y[j] = mean;
          start = i + 1;
        }
      }
      boolean monotone = true;
      for (int i = 1; i < n; i++)
        monotone &= order == Monotonicity.NON_DECREASING ? y[i] >= y[i - 1] - 1e-15 : y[i] <= y[i - 1] + 1e-15;
      if (!monotone) continue;
      double objective = 0;
      for (int i = 0; i < n; i++) objective += (y[i] - x[i]) * (y[i] - x[i]);
      if (objective < bestObjective) {
        bestObjective = objective;
        best = y;
      }
    }
    return best;
  }

  private static Tensor randomMonotone(Random rng, Monotonicity order) {
    double[] v = Tensor.randn(rng, N).toDoubleArray();
    if (rng.nextBoolean()) v[2] = v[3]; // ties are feasible too
    Arrays.sort(v);
    if (order == Monotonicity.NON_INCREASING)
      for (int i = 0; i < N / 2; i++) {
        double t = v[i];
        v[i] = v[N - 1 - i];
        v[N - 1 - i] = t;
      }
    return Tensor.of(v);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void feasibleOptimalIdempotentAndBlockAveraging(long seed) {
    Random rng = new Random(seed);
    for (Monotonicity order : Monotonicity.values()) {
      Tensor x = Tensor.randn(rng, N);
      Tensor y = Projections.isotonic(x, order);
      double[] v = y.toDoubleArray();
      for (int i = 1; i < N; i++) {
        double step = order == Monotonicity.NON_DECREASING ? v[i] - v[i - 1] : v[i - 1] - v[i];
        assertTrue(step >= -1e-10, order + " seed " + seed + ": not monotone at " + i);
      }
      for (int k = 0; k < 100; k++) {
        Tensor z = randomMonotone(rng, order);
        assertTrue(x.sub(y).vdot(z.sub(y)) <= 1e-9, order + " seed " + seed + ": variational inequality");
      }
      assertArrayEquals(bruteForce(x.toDoubleArray(), order), v, 1e-12, order + " seed " + seed + ": brute force");
      assertClose(y, Projections.isotonic(y, order), 1e-12, "idempotence");

      // Jacobian: average over each block of equal values
      double[] expected = new double[N * N];
      for (int i = 0; i < N; i++) {
        int size = 0;
        for (int j = 0; j < N; j++) if (v[j] == v[i]) size++;
        for (int j = 0; j < N; j++) if (v[j] == v[i]) expected[i * N + j] = 1.0 / size;
      }
      Tensor closedForm = Tensor.fromArray(expected, N, N);
      assertClose(closedForm, AD.jacobian(t -> Projections.isotonic(t, order), x, AD.Mode.FORWARD), 1e-12, "forward");
      assertClose(closedForm, AD.jacobian(t -> Projections.isotonic(t, order), x, AD.Mode.REVERSE), 1e-12, "reverse");
      assertJacobianMatchesFiniteDifferences(t -> Projections.isotonic(t, order), x, 1e-7, order + " seed " + seed);
    }
  }

  @Test
  void knownValues() {
    assertClose(Tensor.of(1, 2.5, 2.5, 4), Projections.isotonic(Tensor.of(1, 3, 2, 4), Monotonicity.NON_DECREASING), 1e-15, "inc");
    assertClose(Tensor.of(4, 2.5, 2.5, 1), Projections.isotonic(Tensor.of(4, 2, 3, 1), Monotonicity.NON_INCREASING), 1e-15, "dec");
    assertClose(Tensor.of(2, 2, 2), Projections.isotonic(Tensor.of(3, 2, 1), Monotonicity.NON_DECREASING), 1e-15, "one block");
  }

  @Test
  void matrixInputIsRejected() {
    assertThrows(io.github.implicitdiff.tensor.ShapeException.class,
        () -> Projections.isotonic(Tensor.zeros(2, 2), Monotonicity.NON_DECREASING));
  }
}

package io.github.implicitdiff.loss;

import static io.github.implicitdiff.loss.FiniteDifferences.assertClose;
import static io.github.implicitdiff.loss.FiniteDifferences.assertGradient;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LossesTest {
  // ---------------------------------------------------------------- scalar references

  static double logsumexp(double[] s) {
    double m = Arrays.stream(s).max().orElseThrow(), t = 0;
    for (double v : s) t += Math.exp(v - m);
    return m + Math.log(t);
  }

  static double huber(double r, double delta) {
    return Math.abs(r) <= delta ? 0.5 * r * r : delta * (Math.abs(r) - 0.5 * delta);
  }

  /** Sparsemax by bisection on τ in Σ_j max(z_j − τ, 0) = 1 (independent of the sorting algorithm). */
  static double[] sparsemaxByBisection(double[] z) {
    double lo = Arrays.stream(z).max().orElseThrow() - 1, hi = lo + 1;
    for (int it = 0; it < 200; it++) {
      double mid = 0.5 * (lo + hi), s = 0;
      for (double v : z) s += Math.max(v - mid, 0);
      if (s > 1) lo = mid; else hi = mid;
    }
    double tau = 0.5 * (lo + hi);
    return Arrays.stream(z).map(v -> Math.max(v - tau, 0)).toArray();
  }

  static int[] randomLabels(Random rng, int n, int k) {
    int[] l = new int[n];
    for (int i = 0; i < n; i++) l[i] = rng.nextInt(k);
    return l;
  }

  // ---------------------------------------------------------------- squared error and Huber

  @Test
  void squaredErrorValues() {
    assertArrayEquals(new double[] {2, 0, 0.125}, Losses.squaredError(Tensor.of(1, 2, 0), Tensor.of(3, 2, -0.5))
        .toDoubleArray(), 0);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void huberValuesAndDerivatives(long seed) {
    Random rng = new Random(seed);
    Tensor r = Tensor.randn(rng, 20).mul(2);
    double delta = 0.5 + rng.nextDouble();
    double[] rv = r.toDoubleArray();
    Tensor values = Losses.huber(r, delta);
    Tensor slope = AD.grad(x -> Losses.huber(x, delta).sum(), r);
    Tensor deltaSlope = AD.grad(d -> Losses.huber(r, d).sum(), Tensor.scalar(delta));
    double expectedDeltaSlope = 0;
    for (int i = 0; i < rv.length; i++) {
      assertEquals(huber(rv[i], delta), values.get(i), 1e-14);
      double expected = Math.abs(rv[i]) <= delta ? rv[i] : delta * Math.signum(rv[i]);
      assertEquals(expected, slope.get(i), 1e-14, "h'(r) at r = " + rv[i]);
      if (Math.abs(rv[i]) > delta) expectedDeltaSlope += Math.abs(rv[i]) - delta;
    }
    assertEquals(expectedDeltaSlope, deltaSlope.item(), 1e-12, "∂/∂δ");
    assertGradient(x -> Losses.huber(x, delta).sum(), r, 1e-7, "Huber FD");
  }

  @Test
  void huberRejectsNonPositiveDelta() {
    var e = assertThrows(IllegalArgumentException.class, () -> Losses.huber(Tensor.of(1, 2), 0.0));
    assertTrue(e.getMessage().contains("delta"), e.getMessage());
  }

  // ---------------------------------------------------------------- binary logistic

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void binaryLogisticMatchesCrossEntropyAndSigmoidGradient(long seed) {
    Random rng = new Random(seed);
    Tensor s = Tensor.randn(rng, 15).mul(3);
    Tensor y = Tensor.rand(rng, 15).gt(0.5);
    double[] sv = s.toDoubleArray(), yv = y.toDoubleArray();
    Tensor values = Losses.binaryLogistic(y, s);
    Tensor g = AD.grad(t -> Losses.binaryLogistic(y, t).sum(), s);
    for (int i = 0; i < sv.length; i++) {
      double p = 1 / (1 + Math.exp(-sv[i]));
      assertEquals(-yv[i] * Math.log(p) - (1 - yv[i]) * Math.log(1 - p), values.get(i), 1e-12);
      assertEquals(p - yv[i], g.get(i), 1e-14);
    }
    Tensor h = AD.hessian(t -> Losses.binaryLogistic(y, t).sum(), s);
    for (int i = 0; i < sv.length; i++) {
      double p = 1 / (1 + Math.exp(-sv[i]));
      assertEquals(p * (1 - p), h.get(i, i), 1e-14, "second derivative σ(1 − σ)");
    }
    assertGradient(t -> Losses.binaryLogistic(y, t).sum(), s, 1e-7, "binary logistic FD");
  }

  @Test
  void binaryLogisticIsStableAtExtremeScores() {
    Tensor s = Tensor.of(1000, 1000, -1000, -1000, 0);
    Tensor y = Tensor.of(1, 0, 1, 0, 1);
    assertArrayEquals(new double[] {0, 1000, 1000, 0, Math.log(2)}, Losses.binaryLogistic(y, s).toDoubleArray(), 1e-12);
    Tensor g = AD.grad(t -> Losses.binaryLogistic(y, t).sum(), s);
    assertArrayEquals(new double[] {0, 1, -1, 0, -0.5}, g.toDoubleArray(), 1e-15, "σ(s) − y, including s = 0");
    Tensor h = AD.hessian(t -> Losses.binaryLogistic(y, t).sum(), s);
    assertTrue(h.allFinite());
    assertEquals(0.25, h.get(4, 4), 1e-15);
    assertEquals(0, h.get(0, 0), 1e-300);
  }

  @Test
  void binaryLogisticRejectsMinusOneLabels() {
    var e = assertThrows(IllegalArgumentException.class, () -> Losses.binaryLogistic(Tensor.of(-1, 1), Tensor.of(0, 0)));
    assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
  }

  @Test
  void binaryLogisticRejectsShapeMismatch() {
    assertThrows(ShapeException.class, () -> Losses.binaryLogistic(Tensor.of(0, 1, 1), Tensor.of(0, 0)));
  }

  // ---------------------------------------------------------------- multiclass logistic

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void multiclassLogisticMatchesScalarReferenceAndSoftmaxGradient(long seed) {
    Random rng = new Random(seed);
    int n = 6, k = 4;
    Tensor s = Tensor.randn(rng, n, k).mul(2);
    int[] labels = randomLabels(rng, n, k);
    double[][] sv = s.toArray2d();
    Tensor values = Losses.multiclassLogistic(labels, s);
    Tensor Y = Tensor.oneHot(LossesTest.labelsTensor(labels), k);
    assertClose(values, Losses.multiclassLogistic(Y, s), 1e-15, "int and one-hot labels");
    Tensor g = AD.grad(t -> Losses.multiclassLogistic(labels, t).sum(), s);
    for (int i = 0; i < n; i++) {
      double lse = logsumexp(sv[i]);
      assertEquals(lse - sv[i][labels[i]], values.get(i), 1e-13);
      for (int j = 0; j < k; j++)
        assertEquals(Math.exp(sv[i][j] - lse) - (j == labels[i] ? 1 : 0), g.get(i, j), 1e-14);
    }
    assertGradient(t -> Losses.multiclassLogistic(labels, t).sum(), s, 1e-7, "multiclass logistic FD");
  }

  @Test
  void multiclassLogisticIsStableAtExtremeScores() {
    Tensor s = Tensor.of(new double[][] {{1000, 0, -1000}, {1000, 1000, -1000}});
    int[] labels = {0, 2};
    assertArrayEquals(new double[] {0, 2000 + Math.log(2)}, Losses.multiclassLogistic(labels, s).toDoubleArray(), 1e-9);
    Tensor g = AD.grad(t -> Losses.multiclassLogistic(labels, t).sum(), s);
    assertArrayEquals(new double[] {0, 0, 0, 0.5, 0.5, -1}, g.toDoubleArray(), 1e-15);
  }

  @Test
  void multiclassLogisticRejectsLabelOutOfRange() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Losses.multiclassLogistic(new int[] {0, 3}, Tensor.zeros(2, 3)));
    assertTrue(e.getMessage().contains("label 3"), e.getMessage());
  }

  @Test
  void multiclassLogisticRejectsWrongNumberOfLabels() {
    assertThrows(ShapeException.class, () -> Losses.multiclassLogistic(new int[] {0, 1, 2}, Tensor.zeros(2, 3)));
  }

  @Test
  void multiclassLogisticRejectsRowsThatAreNotDistributions() {
    Tensor Y = Tensor.of(new double[][] {{1, 1, 0}, {0, 0, 1}});
    assertThrows(IllegalArgumentException.class, () -> Losses.multiclassLogistic(Y, Tensor.zeros(2, 3)));
  }

  // ---------------------------------------------------------------- multiclass hinge

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void multiclassHingeMatchesScalarReference(long seed) {
    Random rng = new Random(seed);
    int n = 8, k = 5;
    Tensor s = Tensor.randn(rng, n, k);
    int[] labels = randomLabels(rng, n, k);
    double[][] sv = s.toArray2d();
    Tensor values = Losses.multiclassHinge(labels, s);
    Tensor g = AD.grad(t -> Losses.multiclassHinge(labels, t).sum(), s);
    for (int i = 0; i < n; i++) {
      double best = Double.NEGATIVE_INFINITY;
      int arg = -1;
      for (int j = 0; j < k; j++) {
        double v = (j == labels[i] ? 0 : 1) + sv[i][j];
        if (v > best) { best = v; arg = j; }
      }
      assertEquals(best - sv[i][labels[i]], values.get(i), 1e-14);
      for (int j = 0; j < k; j++)
        assertEquals((j == arg ? 1 : 0) - (j == labels[i] ? 1 : 0), g.get(i, j), 1e-15, "subgradient e_j* − e_y");
    }
    assertGradient(t -> Losses.multiclassHinge(labels, t).sum(), s, 1e-7, "hinge FD (no ties)");
  }

  @Test
  void multiclassHingeIsZeroWithMarginAndRejectsBadLabel() {
    Tensor s = Tensor.of(new double[][] {{3, 1.5, 2}});
    assertEquals(0, Losses.multiclassHinge(new int[] {0}, s).item(), 0);
    assertEquals(2.5, Losses.multiclassHinge(new int[] {1}, s).item(), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> Losses.multiclassHinge(new int[] {-1}, s));
  }

  // ---------------------------------------------------------------- sparsemax

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void sparsemaxMatchesBisectionAndHasProjectionJacobian(long seed) {
    Random rng = new Random(seed);
    int n = 5, k = 6;
    Tensor z = Tensor.randn(rng, n, k);
    Tensor p = Sparsemax.sparsemax(z);
    double[][] zv = z.toArray2d();
    for (int i = 0; i < n; i++)
      assertArrayEquals(sparsemaxByBisection(zv[i]), p.row(i).toDoubleArray(), 1e-12, "row " + i);
    // Jacobian of one row: (I − 1 1ᵀ/|S|) on the support S, zero elsewhere
    Tensor row = z.row(0);
    Tensor J = AD.jacobian(v -> Sparsemax.sparsemax(v.reshape(1, -1)).reshape(-1), row);
    double[] pv = p.row(0).toDoubleArray();
    int size = (int) Arrays.stream(pv).filter(v -> v > 0).count();
    for (int a = 0; a < k; a++)
      for (int b = 0; b < k; b++) {
        double expected = pv[a] > 0 && pv[b] > 0 ? (a == b ? 1 : 0) - 1.0 / size : 0;
        assertEquals(expected, J.get(a, b), 1e-14, "J[" + a + ", " + b + "]");
      }
  }

  @Test
  void sparsemaxHandlesTiesAndDominantScores() {
    Tensor p = Sparsemax.sparsemax(Tensor.of(new double[][] {{1, 1, 1}, {5, 0, 0}, {0.2, 0.2, -3}}));
    assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0, 1, 0, 0, 0.5, 0.5, 0}, p.toDoubleArray(), 1e-15);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void sparsemaxLossMatchesScalarReferenceAndGradientIsPMinusOneHot(long seed) {
    Random rng = new Random(seed);
    int n = 6, k = 5;
    Tensor s = Tensor.randn(rng, n, k);
    int[] labels = randomLabels(rng, n, k);
    double[][] sv = s.toArray2d();
    Tensor values = Losses.multiclassSparsemax(labels, s);
    Tensor g = AD.grad(t -> Losses.multiclassSparsemax(labels, t).sum(), s);
    for (int i = 0; i < n; i++) {
      double[] p = sparsemaxByBisection(sv[i]);
      double expected = 0.5 - sv[i][labels[i]];
      for (int j = 0; j < k; j++) expected += p[j] * sv[i][j] - 0.5 * p[j] * p[j];
      assertEquals(expected, values.get(i), 1e-12);
      assertTrue(values.get(i) >= -1e-15, "loss ≥ 0");
      for (int j = 0; j < k; j++) assertEquals(p[j] - (j == labels[i] ? 1 : 0), g.get(i, j), 1e-12);
    }
    assertGradient(t -> Losses.multiclassSparsemax(labels, t).sum(), s, 1e-7, "sparsemax loss FD");
  }

  @Test
  void sparsemaxLossIsZeroWhenTheLabelWinsByOne() {
    assertEquals(0, Losses.multiclassSparsemax(new int[] {1}, Tensor.of(new double[][] {{0, 1, -2}})).item(), 1e-15);
    assertThrows(IllegalArgumentException.class,
        () -> Losses.multiclassSparsemax(new int[] {3}, Tensor.of(new double[][] {{0, 1, -2}})));
  }

  static Tensor labelsTensor(int[] labels) {
    return Tensor.of(Arrays.stream(labels).asDoubleStream().toArray());
  }
}

package io.github.implicitdiff.projection;

import static io.github.implicitdiff.projection.DerivativeChecks.assertClose;
import static io.github.implicitdiff.projection.DerivativeChecks.assertJacobianMatchesFiniteDifferences;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BoxSectionProjectionTest {
  private static final int N = 7;

  private static double violation(Tensor p, Tensor lo, Tensor hi, Tensor w, Tensor c) {
    double v = Math.abs(w.vdot(p) - c.item());
    double[] pv = p.toDoubleArray(), l = lo.toDoubleArray(), h = hi.toDoubleArray();
    for (int i = 0; i < pv.length; i++) v = Math.max(v, Math.max(l[i] - pv[i], pv[i] - h[i]));
    return v;
  }

  /** A random feasible point: y0 + t d with d ⊥ w and t a random fraction of the largest feasible step. */
  private static Tensor feasiblePoint(Random rng, Tensor y0, Tensor lo, Tensor hi, Tensor w) {
    Tensor z = Tensor.randn(rng, N);
    Tensor d = z.sub(w.mul(w.vdot(z) / w.vdot(w)));
    double[] dv = d.toDoubleArray(), y = y0.toDoubleArray(), l = lo.toDoubleArray(), h = hi.toDoubleArray();
    double tMax = Double.POSITIVE_INFINITY;
    for (int i = 0; i < N; i++) {
      if (dv[i] > 0) tMax = Math.min(tMax, (h[i] - y[i]) / dv[i]);
      if (dv[i] < 0) tMax = Math.min(tMax, (l[i] - y[i]) / dv[i]);
    }
    return y0.add(d.mul(tMax * rng.nextDouble()));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void feasibleOptimalIdempotentAndDifferentiable(long seed) {
    Random rng = new Random(seed);
    Tensor lo = Tensor.uniform(rng, -1, 0, N), hi = lo.add(Tensor.uniform(rng, 0.3, 1.5, N));
    Tensor w = Tensor.randn(rng, N);
    Tensor y0 = lo.add(hi.sub(lo).mul(Tensor.rand(rng, N)));
    Tensor c = Tensor.scalar(w.vdot(y0));
    Tensor x = Tensor.randn(rng, N).mul(1.5);
    Tensor p = Projections.boxSection(x, lo, hi, w, c);
    assertTrue(violation(p, lo, hi, w, c) <= 1e-10, "seed " + seed + ": violation " + violation(p, lo, hi, w, c));
    for (int k = 0; k < 100; k++) {
      Tensor y = feasiblePoint(rng, y0, lo, hi, w);
      assertTrue(violation(y, lo, hi, w, c) <= 1e-10, "generated point infeasible");
      double vi = x.sub(p).vdot(y.sub(p));
      assertTrue(vi <= 1e-9, "seed " + seed + ": variational inequality violated, " + vi);
    }
    assertClose(p, Projections.boxSection(p, lo, hi, w, c), 1e-12, "idempotence");
    assertJacobianMatchesFiniteDifferences(v -> Projections.boxSection(v, lo, hi, w, c), x, 1e-7, "∂x seed " + seed);
    assertJacobianMatchesFiniteDifferences(v -> Projections.boxSection(x, v, hi, w, c), lo, 1e-7, "∂lo seed " + seed);
    assertJacobianMatchesFiniteDifferences(v -> Projections.boxSection(x, lo, v, w, c), hi, 1e-7, "∂hi seed " + seed);
    assertJacobianMatchesFiniteDifferences(v -> Projections.boxSection(x, lo, hi, v, c), w, 1e-6, "∂w seed " + seed);
    assertJacobianMatchesFiniteDifferences(v -> Projections.boxSection(x, lo, hi, w, v), c, 1e-7, "∂c seed " + seed);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void reducesToTheSimplexWhenTheUpperBoundIsLoose(long seed) {
    Random rng = new Random(seed);
    Tensor x = Tensor.randn(rng, N);
    Tensor p = Projections.boxSection(x, Tensor.scalar(0), Tensor.scalar(1e6), Tensor.ones(N), Tensor.scalar(1.5));
    assertClose(Projections.simplex(x, Tensor.scalar(1.5)), p, 1e-12, "simplex");
  }

  @Test
  void knownValueAndZeroWeights() {
    Tensor p = Projections.boxSection(Tensor.of(0.9, 0.8, -0.3), Tensor.scalar(0), Tensor.scalar(1), Tensor.ones(3),
        Tensor.scalar(1));
    assertClose(Tensor.of(0.55, 0.45, 0), p, 1e-15, "value");
    // a coordinate with w_i = 0 is only clipped
    Tensor q = Projections.boxSection(Tensor.of(2, 0.3, 0.4), Tensor.scalar(0), Tensor.scalar(1), Tensor.of(0, 1, 1),
        Tensor.scalar(1));
    assertClose(Tensor.of(1, 0.45, 0.55), q, 1e-15, "zero weight");
  }

  @Test
  void cAtTheEndOfItsRangeGivesTheCorner() {
    // c = Σ hi: the only feasible point is hi
    Tensor hi = Tensor.of(1, 2, 3);
    Tensor p = Projections.boxSection(Tensor.of(-5, 0, 9), Tensor.scalar(0), hi, Tensor.ones(3), Tensor.scalar(6));
    assertClose(hi, p, 0, "corner");
  }

  @Test
  void emptySetIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Projections.boxSection(Tensor.zeros(3),
        Tensor.scalar(0), Tensor.scalar(1), Tensor.ones(3), Tensor.scalar(4)));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void zeroWeightVectorIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Projections.boxSection(Tensor.zeros(3), Tensor.scalar(0),
        Tensor.scalar(1), Tensor.zeros(3), Tensor.scalar(0)));
  }
}

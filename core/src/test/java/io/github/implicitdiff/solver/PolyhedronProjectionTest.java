package io.github.implicitdiff.solver;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.projection.Projections;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolyhedronProjectionTest {
  final PolyhedronProjection proj = new PolyhedronProjection();

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void boxAsAPolyhedronMatchesTheBoxProjectionAndItsJacobian(long seed) {
    Random rng = new Random(seed);
    int n = 5;
    // lo ≤ z ≤ hi as G z ≤ h with G = [I; −I], h = [hi; −lo]
    Tensor lo = Tensor.uniform(rng, -1, -0.2, n), hi = Tensor.uniform(rng, 0.2, 1, n);
    Tensor G = Tensor.concat(0, Tensor.eye(n), Tensor.eye(n).neg()), h = Tensor.concat(0, hi, lo.neg());
    Tensor A = Tensor.zeros(0, n), b = Tensor.zeros(0);
    Tensor x = Tensor.randn(rng, n).mul(1.5);
    Tensor p = proj.apply(x, A, b, G, h);
    assertTrue(p.allClose(Projections.box(x, lo, hi), 1e-8), p + " vs " + Projections.box(x, lo, hi));
    // away from the kinks the Jacobian is diag(lo < x < hi)
    Tensor J = AD.jacobian(z -> proj.apply(z, A, b, G, h), x);
    Tensor inside = x.gt(lo).mul(x.lt(hi));
    assertTrue(J.allClose(Tensor.eye(n).mul(inside), 1e-7), J.toString());
    // derivative in the upper bounds: ∂p/∂hi = diag(x > hi)
    Tensor Jh = AD.jacobian(hh -> proj.apply(x, A, b, G, Tensor.concat(0, hh, lo.neg())), hi, AD.Mode.REVERSE);
    assertTrue(Jh.allClose(Tensor.eye(n).mul(x.gt(hi)), 1e-7), Jh.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void simplexAsAPolyhedronMatchesTheSortBasedProjection(long seed) {
    Random rng = new Random(seed);
    int n = 6;
    Tensor A = Tensor.ones(1, n), b = Tensor.of(1), G = Tensor.eye(n).neg(), h = Tensor.zeros(n);
    Tensor x = Tensor.randn(rng, n);
    Tensor p = proj.apply(x, A, b, G, h);
    assertTrue(p.allClose(Projections.simplex(x, Tensor.scalar(1)), 1e-8));
    Tensor J = AD.jacobian(z -> proj.apply(z, A, b, G, h), x, AD.Mode.FORWARD);
    Tensor Jref = AD.jacobian(z -> Projections.simplex(z, Tensor.scalar(1)), x);
    assertTrue(J.allClose(Jref, 1e-7), J + " vs " + Jref);
  }

  @Test
  void infeasiblePolyhedronIsReported() {
    // z ≤ −1 and −z ≤ −1 (z ≥ 1): empty
    Tensor G = Tensor.of(new double[][] {{1}, {-1}}), h = Tensor.of(-1, -1);
    assertThrows(IllegalArgumentException.class, () -> proj.apply(Tensor.of(0.3), Tensor.zeros(0, 1), Tensor.zeros(0), G, h));
  }

  @Test
  void wrongParameterCountIsReported() {
    assertThrows(IllegalArgumentException.class, () -> proj.apply(Tensor.of(1, 2), Tensor.zeros(0, 2)));
  }
}

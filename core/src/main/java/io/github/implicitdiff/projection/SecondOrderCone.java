package io.github.implicitdiff.projection;

import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Projection onto the second-order (Lorentz) cone K = {(x, t) : ‖x‖₂ ≤ t}, each row along the last axis
 * laid out as (x_1, …, x_{n−1}, t). Three branches (Boyd and Vandenberghe, <em>Convex Optimization</em>, Ex. 8.3(c);
 * Parikh and Boyd, <em>Proximal Algorithms</em>, §6.3.2), chosen per row on concrete values:
 * <pre>
 *   ‖x‖ &lt; t              (interior of K)       →  (x, t)
 *   ‖x‖ ≤ −t             (the polar cone −K)  →  0
 *   otherwise (‖x‖ ≥ |t|, ‖x‖ &gt; 0)              →  ((‖x‖ + t)/(2‖x‖)) (x, ‖x‖)
 * </pre>
 * and evaluated with tensor operations, so the result differentiates in both modes to any order. At the kinks
 * the constraint is treated as active (the branch reached from outside K): on the boundary ‖x‖ = t &gt; 0 the
 * third branch (its value there is (x, t), its derivative the one-sided limit from outside), on ‖x‖ = −t and at
 * the apex x = 0, t = 0 the zero branch. With n = 1 this is max(t, 0) with derivative 0 at t = 0, as
 * {@link Projections#nonNegative}; for 2×2 matrices it agrees with the PSD projection's convention f'(0) = 0.
 */
final class SecondOrderCone {
  private SecondOrderCone() {}

  static Tensor project(String op, Tensor z) {
    check(op, z);
    int last = z.ndim() - 1, n = z.dim(last);
    Tensor x = z.slice(last, 0, n - 1), t = z.slice(last, n - 1, n);
    Tensor squared = x.square().sum(new int[] {-1}, true);
    Tensor norm = squared.concrete().sqrt(), tc = t.concrete();
    Tensor inside = norm.lt(tc), polar = norm.le(tc.neg());
    Tensor projected = inside.add(polar).eq(0);
    // ‖x‖ through a safe square root: the unused branches must not produce 0/0 in the derivative
    Tensor r = Tensor.where(projected, squared, Tensor.onesLike(squared.concrete())).sqrt();
    Tensor a = r.add(t).mul(0.5);                                   // (‖x‖ + t)/2
    Tensor onto = Tensor.concat(last, x.mul(a.div(r)), a);
    Tensor zero = Tensor.zerosLike(z.concrete());
    return Tensor.where(inside.broadcastTo(z.shape()), z,
        Tensor.where(projected.broadcastTo(z.shape()), onto, zero));
  }

  /**
   * The rows (flat indices over the leading axes) at a kink: |‖x‖ − |t|| ≤ tolerance (the boundary of K or of its
   * polar, the apex included).
   */
  static Degeneracy degeneracy(String op, Tensor z, double tolerance) {
    check(op, z);
    Arguments.tolerance(op, tolerance);
    int n = z.dim(z.ndim() - 1);
    double[] v = z.concrete().toDoubleArray();
    int rows = v.length / n;
    List<Integer> at = new ArrayList<>();
    for (int row = 0; row < rows; row++) {
      double s = 0;
      for (int i = 0; i < n - 1; i++) s += v[row * n + i] * v[row * n + i];
      if (Math.abs(Math.sqrt(s) - Math.abs(v[row * n + n - 1])) <= tolerance) at.add(row);
    }
    return new Degeneracy(at, rows, tolerance);
  }

  private static void check(String op, Tensor z) {
    Arguments.finite(op, "z", z);
    Arguments.atLeastVector(op, z);
    if (z.dim(z.ndim() - 1) == 0)
      throw new ShapeException(op + ": z of shape " + z.shapeString() + " has an empty last axis; each row must hold"
          + " (x, t) with t its last element");
  }
}

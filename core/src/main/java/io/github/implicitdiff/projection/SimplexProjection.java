package io.github.implicitdiff.projection;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Euclidean projection onto the scaled simplex {p ≥ 0, Σp = s} along the last axis, and the ℓ1 ball
 * and sphere built on it.
 *
 * <p>The support is found on concrete values by the sort-based algorithm (u = x sorted descending,
 * ρ = max{j : u_j − (Σ_{i≤j} u_i − s)/j > 0}); the threshold is then recomputed with tensor operations
 * from the support mask m, τ = (Σ m⊙x − s)/|S|, and p = m ⊙ (x − τ). Differentiating this gives the
 * Jacobian I − 11ᵀ/|S| on the support (zero elsewhere) and ∂p/∂s = 1/|S| on the support. An element
 * tied with τ is left out of the support (its row and column of the Jacobian are zero).
 */
final class SimplexProjection {
  private SimplexProjection() {}

  /** Projection with size s ≥ 0 (s = 0 gives p = 0 with the one-sided derivative as s → 0⁺). */
  static Tensor project(String op, Tensor x, Tensor s) {
    requireRows(op, x);
    Tensor size = sizeAsColumn(op, x, s);
    Tensor mask = supportMask(x, size);
    Tensor count = mask.sum(new int[] {-1}, true);
    Tensor tau = Tensor.where(mask, x, Tensor.zerosLike(x)).sum(new int[] {-1}, true).sub(size).div(count);
    return Tensor.where(mask, x.sub(tau), Tensor.zerosLike(x));
  }

  /** The threshold τ of each row (concrete). */
  static Tensor threshold(String op, Tensor x, Tensor s) {
    requireRows(op, x);
    Tensor size = sizeAsColumn(op, x, s).concrete();
    Tensor mask = supportMask(x, size);
    return Tensor.where(mask, x.concrete(), Tensor.zerosLike(x)).sum(new int[] {-1}, true).sub(size)
        .div(mask.sum(new int[] {-1}, true));
  }

  /** Number of elements within {@code tol} of the threshold τ of their row. */
  static Degeneracy degeneracy(String op, Tensor x, Tensor s, double tol) {
    Arguments.tolerance(op, tol);
    Tensor tau = threshold(op, x, s);
    Tensor ties = x.concrete().sub(tau).abs().le(tol);
    return Degeneracy.fromMask(ties, tol);
  }

  /** x is finite, has at least one axis and a non-empty last axis (a simplex has no point in zero dimensions). */
  private static void requireRows(String op, Tensor x) {
    Arguments.finite(op, "x", x);
    Arguments.atLeastVector(op, x);
    if (x.dim(x.ndim() - 1) == 0)
      throw new io.github.implicitdiff.tensor.ShapeException(op + ": x of shape " + x.shapeString()
          + " has an empty last axis; the set has no point with zero coordinates");
  }

  /**
   * s reshaped to broadcast against x along the last axis: a scalar, or a tensor of x's shape without
   * its last axis. Values must be ≥ 0 (callers that need s > 0 check it themselves).
   */
  private static Tensor sizeAsColumn(String op, Tensor x, Tensor s) {
    Arguments.finite(op, "s", s);
    for (double v : s.toDoubleArray())
      if (v < 0) throw new IllegalArgumentException(op + ": size/radius must be non-negative, got " + v);
    if (s.size() == 1) return s.reshape(new int[0]);
    int[] xs = x.shape();
    int[] batch = java.util.Arrays.copyOf(xs, xs.length - 1);
    if (!java.util.Arrays.equals(s.shape(), batch))
      throw new io.github.implicitdiff.tensor.ShapeException(op + ": s must be a scalar or have shape "
          + io.github.implicitdiff.tensor.Shapes.str(batch) + " (x's shape without its last axis), got " + s.shapeString());
    return s.expandDims(-1);
  }

  /** 0/1 mask of the top-ρ elements of each row, ρ from the sort-based rule (at least 1). */
  private static Tensor supportMask(Tensor x, Tensor sizeColumn) {
    int[] shape = x.shape();
    int n = shape[shape.length - 1];
    int rows = n == 0 ? 0 : x.size() / n;
    double[] v = x.toDoubleArray();
    double[] s = sizeColumn.concrete().broadcastTo(rowShape(shape)).toDoubleArray();
    double[] mask = new double[v.length];
    Integer[] order = new Integer[n];
    for (int r = 0; r < rows; r++) {
      final int base = r * n;
      for (int i = 0; i < n; i++) order[i] = i;
      java.util.Arrays.sort(order, (a, b) -> Double.compare(v[base + b], v[base + a])); // descending
      double cumulative = 0;
      int rho = 1;
      for (int j = 1; j <= n; j++) {
        double u = v[base + order[j - 1]];
        cumulative += u;
        if (u - (cumulative - s[r]) / j > 0) rho = j; // u_j − (Σ_{i≤j} u_i − s)/j > 0
      }
      for (int j = 0; j < rho; j++) mask[base + order[j]] = 1;
    }
    return Tensor.fromArray(mask, shape);
  }

  private static int[] rowShape(int[] shape) {
    int[] r = shape.clone();
    r[r.length - 1] = 1;
    return r;
  }
}

package io.github.implicitdiff.solver;

import io.github.implicitdiff.linalg.Lu;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The solvers' view of {@link Lu} on plain arrays: factor once, solve with A and Aᵀ many times, with
 * the operation named in exceptions. {@link #factor} uses Lu's default reciprocal-condition threshold
 * (1e-14), {@link #factorAnyNonzeroPivot} only rejects exactly zero pivots (for the interior-point
 * Newton systems, which are legitimately ill-conditioned near the solution). A sparse matrix is first
 * reordered symmetrically to a band ({@link BandOrdering}), which the LU's zero skipping turns into an
 * O(n b²) factorization; solves permute in and out, so callers see K itself.
 */
final class DenseLu implements KktFactorization {
  /** Lu's default threshold on the reciprocal condition estimate. */
  private static final double DEFAULT_MIN_RECIPROCAL_CONDITION = 1e-14;
  private final Lu lu;
  /** The symmetric reordering of {@link BandOrdering} applied before factoring, or null. */
  private final int[] order;

  private DenseLu(Lu lu, int[] order) {
    this.lu = lu;
    this.order = order;
  }

  static DenseLu factor(double[][] a, String what) {
    return factor(a, what, false);
  }

  static DenseLu factorAnyNonzeroPivot(double[][] a, String what) {
    return factor(a, what, true);
  }

  private static DenseLu factor(double[][] a, String what, boolean anyNonzeroPivot) {
    int n = a.length;
    for (int i = 0; i < n; i++)
      if (a[i].length != n) throw new IllegalArgumentException(what + ": row " + i + " has " + a[i].length + " entries, expected " + n);
    int[] order = BandOrdering.of(a);
    try {
      return new DenseLu(Lu.factor(order == null ? a : BandOrdering.permute(a, order),
          anyNonzeroPivot ? 0 : DEFAULT_MIN_RECIPROCAL_CONDITION), order);
    } catch (SingularMatrixException e) {
      throw new SingularMatrixException(what + ": " + e.getMessage());
    } catch (NonFiniteException e) {
      throw new NonFiniteException(what + ": " + e.getMessage());
    }
  }

  static DenseLu factor(Tensor a, String what) {
    return factor(a.concrete().toArray2d(), what);
  }

  /** The order of the matrix. */
  int size() {
    return lu.size();
  }

  /** x with A x = b. */
  @Override
  public double[] solve(double[] b) {
    if (order == null) return lu.solve(Tensor.of(b)).toDoubleArray();
    return unpermute(lu.solve(Tensor.of(permute(b))).toDoubleArray());
  }

  /** x with Aᵀ x = b. */
  @Override
  public double[] solveTranspose(double[] b) {
    if (order == null) return lu.solveTranspose(Tensor.of(b)).toDoubleArray();
    return unpermute(lu.solveTranspose(Tensor.of(permute(b))).toDoubleArray());
  }

  /** (P K Pᵀ) y = P b ⇔ K (Pᵀ y) = b, and the same for Kᵀ: b ↦ P b before, y ↦ Pᵀ y after. */
  private double[] permute(double[] b) {
    double[] r = new double[b.length];
    for (int i = 0; i < r.length; i++) r[i] = b[order[i]];
    return r;
  }

  private double[] unpermute(double[] y) {
    double[] r = new double[y.length];
    for (int i = 0; i < r.length; i++) r[order[i]] = y[i];
    return r;
  }
}

package io.github.implicitdiff.projection;

import io.github.implicitdiff.linalg.SymmetricEigen;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Input checks and kink detection for the PSD projection (the projection itself: {@link PsdPrimitives}). */
final class PsdCone {
  private PsdCone() {}

  /** The relative symmetry tolerance: |A_ij − A_ji| ≤ 1e-10 · max|A|. */
  static final double SYMMETRY_TOLERANCE = 1e-10;

  static Tensor project(String op, Tensor A) {
    check(op, A);
    return PsdPrimitives.project(A);
  }

  /** The eigenvalues (indices in ascending order) with |λ_i| ≤ tolerance. */
  static Degeneracy degeneracy(String op, Tensor A, double tolerance) {
    check(op, A);
    Arguments.tolerance(op, tolerance);
    double[] lam = SymmetricEigen.eigenvalues(PsdSpectrum.sym(A.concrete()).toArray2d());
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < lam.length; i++) if (Math.abs(lam[i]) <= tolerance) at.add(i);
    return new Degeneracy(at, lam.length, tolerance);
  }

  static void check(String op, Tensor A) {
    Arguments.finite(op, "A", A);
    if (A.ndim() != 2 || A.dim(0) != A.dim(1))
      throw new ShapeException(op + ": A must be a square matrix, got shape " + A.shapeString());
    int n = A.dim(0);
    double[] a = A.concrete().toDoubleArray();
    double tol = SYMMETRY_TOLERANCE * A.concrete().maxAbs();
    for (int i = 0; i < n; i++)
      for (int j = i + 1; j < n; j++)
        if (Math.abs(a[i * n + j] - a[j * n + i]) > tol)
          throw new IllegalArgumentException(op + ": A is not symmetric: A[" + i + "][" + j + "] = " + a[i * n + j]
              + " but A[" + j + "][" + i + "] = " + a[j * n + i] + " (tolerance 1e-10 · max|A| = " + tol
              + "); the PSD cone is a set of symmetric matrices: pass (A + Aᵀ)/2");
  }
}

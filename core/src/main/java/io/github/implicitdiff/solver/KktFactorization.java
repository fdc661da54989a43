package io.github.implicitdiff.solver;

/**
 * A factored square matrix K (the Jacobian ∂₁F of a solver's optimality conditions at its solution), for the
 * implicit JVP (K u = r) and VJP (Kᵀ w = r) systems solved by {@link FactoredSolver}: a plain dense LU
 * ({@link DenseLu}), or a structured elimination that needs a smaller factorization ({@link ReducedKkt}).
 */
interface KktFactorization {
  /** u with K u = r; r is not modified. */
  double[] solve(double[] r);

  /** w with Kᵀ w = r; r is not modified. */
  double[] solveTranspose(double[] r);
}

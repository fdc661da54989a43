package io.github.implicitdiff.solver;

import io.github.implicitdiff.linalg.LinearOperator;
import io.github.implicitdiff.linalg.LinearSolution;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.tensor.Tensor;
import java.util.function.Supplier;

/**
 * A linear solver that reuses a factorization of K computed by a direct solver (the KKT matrix of a QP: a
 * dense LU K = P L U, or a {@link ReducedKkt}), for the implicit JVP (K u = r) and VJP (Kᵀ w = r) systems.
 *
 * <p>The operator passed in is the true ∂₁F; the factorization is trusted only after one product
 * with it: x = K⁻¹ b is accepted when ‖b − A x‖ ≤ tol ‖b‖, else x = K⁻ᵀ b is tried (the VJP system),
 * then up to {@link #REFINEMENTS} steps of iterative refinement x ← x + K⁻¹(b − A x). The relative
 * residual and the number of operator products are reported in the {@link LinearSolution}.
 */
final class FactoredSolver implements LinearSolver {
  static final int REFINEMENTS = 3;
  private final Supplier<? extends KktFactorization> factorization;
  private final double tol;

  /** @param factorization supplies the LU (it may be computed lazily by the solver's first run) */
  FactoredSolver(Supplier<? extends KktFactorization> factorization, double tol) {
    this.factorization = factorization;
    this.tol = tol;
  }

  @Override
  public LinearSolution solve(LinearOperator A, Tensor b, Tensor x0) {
    KktFactorization lu = factorization.get();
    double bNorm = Math.max(b.norm2(), Double.MIN_NORMAL);
    Tensor x = Tensor.of(lu.solve(b.toDoubleArray()));
    Tensor r = b.sub(A.apply(x));
    int products = 1;
    boolean transpose = false;
    if (r.norm2() > tol * bNorm) {
      Tensor xt = Tensor.of(lu.solveTranspose(b.toDoubleArray()));
      Tensor rt = b.sub(A.apply(xt));
      products++;
      if (rt.norm2() < r.norm2()) {
        x = xt;
        r = rt;
        transpose = true;
      }
    }
    for (int k = 0; k < REFINEMENTS && r.norm2() > tol * bNorm; k++) {
      double[] d = transpose ? lu.solveTranspose(r.toDoubleArray()) : lu.solve(r.toDoubleArray());
      x = x.add(Tensor.of(d));
      r = b.sub(A.apply(x));
      products++;
    }
    double rel = r.norm2() / bNorm;
    return new LinearSolution(x, products, rel, rel <= tol, "factored KKT LU");
  }
}

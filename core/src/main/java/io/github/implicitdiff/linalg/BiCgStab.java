package io.github.implicitdiff.linalg;

/**
 * BiCGSTAB (van der Vorst) with right preconditioning for a general square (A + εI) x = b, using only
 * products A v. One iteration is two products with A: a bi-conjugate gradient half step
 * α = ρ / r̂ᵀv followed by a local residual-minimising step ω = tᵀs / tᵀt. Stops when the recursive
 * residual is ≤ tol ‖b‖, then checks the true residual. A breakdown (ρ = r̂ᵀr ≈ 0, r̂ᵀv = 0 or ω = 0)
 * restarts from the true residual with a fresh shadow vector r̂ = r; a restart that makes no progress is
 * reported as stagnation (non-convergence). Default budget: max(10 n, 100) iterations.
 *
 * <pre>{@code
 * LinearOperator A = LinearOperator.dense(Tensor.of(new double[][] {{2, 1}, {-1, 3}}));
 * Tensor x = LinearSolvers.bicgstab().solve(A, Tensor.of(1, 2)).x();   // [1/7, 5/7]
 * }</pre>
 */
public final class BiCgStab extends IterativeSolver<BiCgStab> {
  /** |r̂ᵀr| below this fraction of ‖r̂‖‖r‖ counts as a breakdown. */
  private static final double BREAKDOWN = 1e-14;

  BiCgStab(IterativeSettings settings) {
    super(settings);
  }

  @Override
  BiCgStab with(IterativeSettings settings) {
    return new BiCgStab(settings);
  }

  @Override
  public String method() {
    return "bicgstab";
  }

  @Override
  int defaultMaxIterations(int n) {
    return Math.max(10 * n, 100);
  }

  @Override
  String stagnation(String lastBreakdown) {
    return "stagnated" + (lastBreakdown == null ? "" : " after a breakdown (" + lastBreakdown + ")")
        + "; the operator may be singular, otherwise try gmres() or a preconditioner";
  }

  /** Runs BiCGSTAB from residual r (modified) until convergence of the recursive residual, the budget or a breakdown. */
  @Override
  Pass pass(CheckedOperator A, double[] r, double rNorm, double[] x, double bNorm, double tol, int maxIterations,
      int iterations) {
    int n = r.length;
    double[] shadow = r.clone();
    double shadowNorm = Vectors.norm(shadow);
    double[] p = new double[n], v = new double[n];
    double rho = 1, alpha = 1, omega = 1;
    while (iterations < maxIterations) {
      double rhoNext = Vectors.dot(shadow, r);
      if (Math.abs(rhoNext) <= BREAKDOWN * shadowNorm * Vectors.norm(r))
        return new Pass(iterations, "ρ = r̂ᵀr ≈ 0 at iteration " + iterations);
      double beta = (rhoNext / rho) * (alpha / omega);
      for (int i = 0; i < n; i++) p[i] = r[i] + beta * (p[i] - omega * v[i]);
      double[] pHat = A.precondition(p, iterations);
      v = A.apply(pHat, iterations);
      double shadowV = Vectors.dot(shadow, v);
      if (shadowV == 0) return new Pass(iterations, "r̂ᵀA p = 0 at iteration " + iterations);
      alpha = rhoNext / shadowV;
      Vectors.axpy(alpha, pHat, x);
      Vectors.axpy(-alpha, v, r); // r now holds s = r − α v
      iterations++;
      if (Vectors.norm(r) <= tol * bNorm) return new Pass(iterations, null);
      double[] sHat = A.precondition(r, iterations);
      double[] t = A.apply(sHat, iterations);
      double tt = Vectors.dot(t, t);
      omega = tt == 0 ? 0 : Vectors.dot(t, r) / tt;
      if (omega == 0) return new Pass(iterations, "ω = tᵀs / tᵀt = 0 at iteration " + iterations);
      Vectors.axpy(omega, sHat, x);
      Vectors.axpy(-omega, t, r);
      if (Vectors.norm(r) <= tol * bNorm) return new Pass(iterations, null);
      rho = rhoNext;
    }
    return new Pass(iterations, null);
  }
}

package io.github.implicitdiff.projection;

import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The entropic transport plan differentiated implicitly: P = exp(K + f1ᵀ + 1gᵀ) (K = X/ε) with the potentials
 * (f, g) the root of the log-domain Sinkhorn fixed point, θ = (X, a, b):
 * <pre>
 *   F_f = f + logsumexp_j(K_ij + g_j) − log â_i  = 0   (i &lt; m; row marginals P1 = â)
 *   F_g = g + logsumexp_i(K_ij + f_i) − log b_j  = 0   (j &lt; n; column marginals Pᵀ1 = b)
 * </pre>
 * i.e. x − T(x) for the simultaneous Sinkhorn map T. Its Jacobian in (f, g) is [[I, R], [Cᵀ, I]] with
 * R = diag(1/a) P and C = P diag(1/b), similar (by diag(√a, √b)) to [[I, Ã], [Ãᵀ, I]], Ã = diag(a)^(−1/2) P
 * diag(b)^(−1/2), whose eigenvalues are 1 ± σ_k(Ã). σ₁ = 1 with the singular vectors (√a, √b): the gauge
 * (f + t1, g − t1) leaves P and F unchanged, so the Jacobian is singular. The gauge is fixed by g_{n−1} = 0 (the
 * unknowns are f and g_0..g_{n−2}) and the last column equation is dropped: it is implied by the others, since
 * Σ_j (Pᵀ1)_j = Σ_i (P1)_i = Σâ = Σb. What is left is square and nonsingular (all entries of P are positive, so
 * σ₂ &lt; 1); its conditioning is that of Sinkhorn's convergence, 1 − σ₂.
 *
 * <p>â = a Σb/Σa equals a on the domain Σa = Σb and makes the system consistent off it. It fixes the derivative
 * along directions that change Σa − Σb (where the plan is not defined) to the one unrolled Sinkhorn converges to:
 * column marginals follow db exactly and rows follow da + a(Σdb − Σda)/Σa.
 */
final class SinkhornCondition {
  private SinkhornCondition() {}

  /** GMRES restart cap: the basis then holds at most 301 vectors of length m + n − 1. */
  private static final int MAX_RESTART = 300;

  /** The plan, differentiable in X, a and b (reverse, forward, any order) through {@link #gaugeFixed}. */
  static Tensor plan(String op, Tensor X, Tensor a, Tensor b, SinkhornOptions options) {
    double eps = options.regularization();
    int m = X.dim(0), n = X.dim(1);
    Optimality F = gaugeFixed(m, n, eps);
    // the loop stops on ‖P1 − a‖_∞ ≤ tol, so |F_f,i| = |log((P1)_i / â_i)| ≲ tol / a_i (F_g is exact after a
    // column update) and Σa, Σb agree to 1e-10 (checked): accept what the loop returns, reject a wrong F
    double minA = a.concrete().min().item();
    ImplicitOptions implicitOptions = ImplicitOptions.defaults()
        .withResidualTolerance(2 * options.tolerance() / minA + 1e-9);
    // the Jacobian is similar to a symmetric one with eigenvalues in (0, 2): unrestarted GMRES needs about as many
    // products as CG would (65 for 100×100 at ε = 0.01), restarted every 30 about 2.7× more
    LinearSolver linear = options.linearSolver() != null ? options.linearSolver()
        : LinearSolvers.gmres().withRestart(Math.min(m + n - 1, MAX_RESTART));
    Tensor x = Implicit.customRoot(F, th -> solve(op, th[0], th[1], th[2], options), linear, implicitOptions)
        .apply(X, a, b);
    return Sinkhorn.plan(X.div(eps), x.slice(0, 0, m), withGauge(x.slice(0, m, m + n - 1)));
  }

  /**
   * F(x, θ) above for the gauge-fixed unknowns x = (f, g_0..g_{n−2}) of length m + n − 1 and θ = (X, a, b): the
   * full residual at g_{n−1} = 0 without its last (implied) equation.
   */
  static Optimality gaugeFixed(int m, int n, double eps) {
    return (x, th) -> full(x.slice(0, 0, m), withGauge(x.slice(0, m, m + n - 1)), th[0], th[1], th[2], eps)
        .slice(0, 0, m + n - 1);
  }

  /** (F_f, F_g) of length m + n, in all m + n potentials; singular in (f, g) along the gauge (1, −1). */
  static Tensor full(Tensor f, Tensor g, Tensor X, Tensor a, Tensor b, double eps) {
    int m = X.dim(0), n = X.dim(1);
    Tensor K = X.div(eps);
    Tensor aHat = a.mul(b.sum().div(a.sum()));
    Tensor rowResidual = f.add(K.add(g.reshape(1, n)).logsumexp(1)).sub(aHat.log());
    Tensor columnResidual = g.add(K.add(f.reshape(m, 1)).logsumexp(0)).sub(b.log());
    return Tensor.concat(0, rowResidual, columnResidual);
  }

  /** g = (h, 0): the column potentials with the gauge g_{n−1} = 0. */
  static Tensor withGauge(Tensor h) {
    return Tensor.concat(0, h, Tensor.zeros(1));
  }

  /** The gauge-fixed root for concrete θ, by the Sinkhorn iterations: (f + g_{n−1}, g − g_{n−1}) without its last entry. */
  private static Tensor solve(String op, Tensor X, Tensor a, Tensor b, SinkhornOptions options) {
    int n = X.dim(1);
    Tensor[] fg = Sinkhorn.potentials(op, X.div(options.regularization()), a, b, options);
    Tensor shift = fg[1].index(0, n - 1);
    return Tensor.concat(0, fg[0].add(shift), fg[1].sub(shift).slice(0, 0, n - 1));
  }
}

package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.Differentiation;
import io.github.implicitdiff.solver.GradientDescent;
import io.github.implicitdiff.solver.LBFGS;
import io.github.implicitdiff.solver.Newton;
import io.github.implicitdiff.solver.SolverResult;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Semi-amortized refinement of the variational parameters of a minibatch (Kim et al. 2018), as one problem in
 * the B × 2k matrix λ (block-diagonal: row b only meets row b):
 * <pre>
 *   λ*(λ₀, θ) = argmin_λ G(λ; λ₀, θ),   G = Σ_b [ −ELBO(λ_b; x_b, θ) + (γ/2)‖λ_b − λ₀,b‖² ]          (1)
 * </pre>
 * with the {@link Elbo} estimate at fixed samples ε, from the encoder's λ₀ = e_φ(x). Two ways to get λ*:
 * <ul>
 *   <li>implicit: L-BFGS warm-started at λ₀, differentiated by the solver's implicit mode from the stationarity
 *   condition F = ∇_λ G = 0. With H = ∇²_λ G = −∇²_λ ELBO + γI (block-diagonal), the implicit function theorem
 *   gives
 *   <pre>
 *     ∂λ* / ∂θ = H⁻¹ ∇²_{λθ} ELBO,   ∂λ* / ∂λ₀ = γ H⁻¹,                                                (2)
 *   </pre>
 *   applied to a cotangent by CG on Hessian-vector products (nothing of (2) is written here). The proximal
 *   term keeps H positive definite near λ₀ and makes λ* depend on λ₀, through which the encoder learns;</li>
 *   <li>unrolled: K recorded gradient steps λ ← λ − η∇_λ G from λ₀ (η by backtracking), differentiated by
 *   reverse mode through every step, as in Kim et al.</li>
 * </ul>
 * Implicit solves that stop short of the tolerance are counted, not thrown (their residual check warns).
 */
final class Refinement {
  private final VaeModel model;
  private final double gamma;
  private final double tol;
  private final SolveCounts counts = new SolveCounts();

  /**
   * @param gamma γ of (1), &gt; 0
   * @param tol L-BFGS's tolerance on rms(∇_λ G) / max(1, rms(λ)), also CG's relative tolerance on (2)
   */
  Refinement(VaeModel model, double gamma, double tol) {
    this.model = model;
    this.gamma = gamma;
    this.tol = tol;
  }

  /** G of (1) for the rows x (B, D) and samples ε (B, S, k), with θ = (λ₀, W₁, b₁, W₂, b₂). */
  Objective objective(Tensor x, Tensor eps) {
    return (lambda, th) -> {
      Tensor[] dec = {th[1], th[2], th[3], th[4]};
      Tensor elbo = Elbo.perPoint(lambda, eps, model.bernoulli(x, dec)).sum();
      return lambda.sub(th[0]).square().sum().mul(gamma / 2).sub(elbo);
    };
  }

  /** λ* of (1) by L-BFGS from λ₀, differentiable in λ₀ and the decoder by (2). */
  Tensor implicit(Tensor x, Tensor eps, Tensor lambda0, Tensor[] dec) {
    ImplicitOptions options = ImplicitOptions.defaults().withSymmetric(true).withResidualTolerance(10 * tol)
        .withPolicy(ImplicitOptions.CheckPolicy.WARN).withListener(counts::count);
    SolverResult r = LBFGS.of(objective(x, eps)).withTol(tol).withMaxIterations(500)
        .withLinearSolver(LinearSolvers.cg().withTol(tol)).withImplicitOptions(options)
        .run(lambda0, theta(lambda0, dec));
    counts.add(r);
    return r.solution();
  }

  /**
   * λ_K after K recorded gradient steps on (1) from λ₀, differentiable by reverse mode through the steps. The
   * tolerance 1e-300 is never reached, so exactly K steps are taken and the result is not "converged".
   */
  Tensor unrolled(Tensor x, Tensor eps, Tensor lambda0, Tensor[] dec, int steps) {
    return GradientDescent.of(objective(x, eps)).withMaxIterations(steps).withTol(1e-300)
        .withDifferentiation(Differentiation.UNROLLED).run(lambda0, theta(lambda0, dec)).solution();
  }

  /**
   * λ* for finite differences, not differentiable: the L-BFGS solution polished by full Newton steps with the
   * dense Hessian of G ({@link NewtonPolish}; small instances only). L-BFGS's line search stops seeing G decrease near
   * rms(∇G) ≈ √(rounding of G); Newton steps without a line search take ∇G to rounding level.
   */
  Tensor polished(Tensor x, Tensor eps, Tensor lambda0, Tensor[] dec) {
    Tensor l0 = lambda0.concrete();
    Tensor[] d = new Tensor[dec.length];
    for (int i = 0; i < d.length; i++) d[i] = dec[i].concrete();
    Tensor lambda = implicit(x, eps, l0, d).concrete();
    Tensor[] th = theta(l0, d);
    return NewtonPolish.of(objective(x, eps)).withHessianMode(Newton.HessianMode.DENSE).run(lambda, th).orThrow();
  }

  private static Tensor[] theta(Tensor lambda0, Tensor[] dec) {
    return new Tensor[] {lambda0, dec[0], dec[1], dec[2], dec[3]};
  }

  /** The implicit solves so far and the CG solves of their derivatives (2). */
  SolveCounts counts() {
    return counts;
  }
}

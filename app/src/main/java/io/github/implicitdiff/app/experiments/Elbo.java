package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.tensor.Tensor;

/**
 * The evidence lower bound of a diagonal Gaussian q(z) = N(μ, diag σ²), λ = (μ, log σ) ∈ R^{2k}, under the prior
 * N(0, I), estimated by the reparameterization z_s = μ + σ ⊙ ε_s with S given standard-normal samples ε_s:
 * <pre>
 *   ELBO(λ; x, θ) ≈ (1/S) Σ_s log p_θ(x | μ + σ ⊙ ε_s) − KL(q ‖ N(0, I)),
 *   KL(q ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − 1 − 2 log σ_j)                                          (closed form)
 * </pre>
 * With the ε_s held fixed (common random numbers) the estimate is a deterministic, smooth function of λ and θ,
 * so argmax_λ of it is well defined and can be differentiated implicitly; it is unbiased for each λ when the ε_s
 * are drawn independently of λ, but its maximizer is fitted to those samples, so refined ELBOs are reported
 * with fresh samples.
 */
final class Elbo {
  /** z (B, S, k) ↦ log p(x_b | z_{b,s}), (B, S). */
  @FunctionalInterface
  interface LogLikelihood {
    Tensor apply(Tensor z);
  }

  private Elbo() {}

  /** The estimate for each of B points: λ (B, 2k), ε (B, S, k); returns (B). */
  static Tensor perPoint(Tensor lambda, Tensor eps, LogLikelihood logLikelihood) {
    int k = eps.dim(2);
    Tensor mu = lambda.slice(1, 0, k), logSigma = lambda.slice(1, k, 2 * k);
    Tensor z = mu.expandDims(1).add(logSigma.exp().expandDims(1).mul(eps));
    return logLikelihood.apply(z).mean(1).sub(kl(lambda, k));
  }

  /** KL(N(μ, diag σ²) ‖ N(0, I)) for each row of λ (B, 2k): (B). */
  static Tensor kl(Tensor lambda, int k) {
    Tensor mu = lambda.slice(1, 0, k), logSigma2 = lambda.slice(1, k, 2 * k).mul(2);
    return mu.square().add(logSigma2.exp()).sub(1).sub(logSigma2).sum(1).mul(0.5);
  }
}

package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.linalg.LinearOperator;
import io.github.implicitdiff.linalg.PowerIteration;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The differentiable parametrization W = Ŵ · min(1, γ / σ(Ŵ)) that caps the spectral norm: ‖W‖₂ =
 * min(σ(Ŵ), γ) ≤ γ for every Ŵ. σ(Ŵ) = uᵀŴv is evaluated as a tensor expression with the top singular
 * pair (u, v) found by power iteration on concrete values (v ← ŴᵀŴv / ‖ŴᵀŴv‖, warm-started from the last
 * call) and held constant: at the top singular pair ∂σ/∂Ŵ = u vᵀ, which is exactly what differentiating
 * uᵀŴv with u, v fixed gives (σ is stationary in u and v there), so the derivative is that of the true
 * spectral norm when σ₁ is simple. Power iteration ({@link PowerIteration}) stops when σ² changes by less than 1e-12 relative, so
 * σ is correct to about that (it converges quadratically in the angle to the top singular vector).
 * Mutable (the warm start); one instance per model.
 */
final class SpectralCap {
  private static final int MAX_POWER_ITERATIONS = 500;
  private final double gamma;
  private Tensor v;

  /** @param gamma γ, the cap on ‖W‖₂ */
  SpectralCap(double gamma, int n) {
    if (!(gamma > 0)) throw new IllegalArgumentException("SpectralCap: γ must be > 0, got " + gamma);
    this.gamma = gamma;
    double[] ones = new double[n];
    java.util.Arrays.fill(ones, 1 / Math.sqrt(n));
    this.v = Tensor.of(ones);
  }

  double gamma() {
    return gamma;
  }

  /** W = Ŵ · min(1, γ / σ(Ŵ)), differentiable in Ŵ. */
  Tensor apply(Tensor What) {
    Tensor[] uv = topSingularPair(What.concrete());
    Tensor sigma = uv[0].dot(What.matmul(uv[1]));
    return sigma.item() <= gamma ? What : What.mul(sigma.rdiv(gamma));
  }

  /** σ(Ŵ), by the same power iteration (not differentiable). */
  double sigma(Tensor What) {
    Tensor[] uv = topSingularPair(What.concrete());
    return uv[0].vdot(What.concrete().matmul(uv[1]));
  }

  /** (u, v) with Ŵv = σu, ‖u‖ = ‖v‖ = 1, by power iteration on ŴᵀŴ from the last v. */
  private Tensor[] topSingularPair(Tensor W) {
    LinearOperator gram = LinearOperator.symmetric(W.dim(1), x -> W.T().matmul(W.matmul(x)));
    v = PowerIteration.run(gram, v, MAX_POWER_ITERATIONS, 1e-12).vector();
    Tensor Wv = W.matmul(v);
    return new Tensor[] {Wv.div(Wv.norm2()), v};
  }
}

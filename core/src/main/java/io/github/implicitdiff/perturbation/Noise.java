package io.github.implicitdiff.perturbation;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/**
 * The distribution of the perturbation Z, with density μ(z) ∝ exp(−ν(z)) (independent coordinates). The
 * derivatives of a perturbed function use ∇ν: ∇_θ E[f(θ + εZ)] = E[f(θ + εZ) ∇ν(Z)ᵀ] / ε (Berthet et al. 2020,
 * Proposition 3.1), and higher orders use ∇²ν as well.
 *
 * <pre>{@code
 * Perturbation p = Perturbation.of(Noise.GUMBEL, 0.5);   // Gumbel-max: perturbed one-hot argmax = softmax(θ/ε)
 * }</pre>
 */
public enum Noise {
  /** Standard normal coordinates: ν(z) = z²/2, ∇ν(z) = z. Symmetric, so antithetic pairs (Z, −Z) apply. */
  GAUSSIAN {
    @Override
    double draw(Random rng) {
      return rng.nextGaussian();
    }

    @Override
    Tensor nu(Tensor z) {
      return z.square().mul(0.5);
    }

    @Override
    Tensor nuGrad(Tensor z) {
      return z;
    }
  },
  /**
   * Standard Gumbel coordinates (location 0, scale 1, mean Euler's γ ≈ 0.5772): ν(z) = z + e^{−z},
   * ∇ν(z) = 1 − e^{−z}. Perturbing the scores of a one-hot argmax by it gives softmax(θ/ε) in expectation.
   */
  GUMBEL {
    @Override
    double draw(Random rng) {
      double u;
      do u = rng.nextDouble(); while (u == 0.0);   // −log(−log U) needs U in (0, 1)
      return -Math.log(-Math.log(u));
    }

    @Override
    Tensor nu(Tensor z) {
      return z.add(z.neg().exp());
    }

    @Override
    Tensor nuGrad(Tensor z) {
      return z.neg().exp().rsub(1.0);
    }
  };

  /** One standard draw. */
  abstract double draw(Random rng);

  /** ν elementwise (the negative log-density up to a constant), in tensor operations so that it can be differentiated. */
  abstract Tensor nu(Tensor z);

  /** ∇ν elementwise, in tensor operations. */
  abstract Tensor nuGrad(Tensor z);
}

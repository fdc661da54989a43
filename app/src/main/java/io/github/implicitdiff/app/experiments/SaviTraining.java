package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.solver.Minibatches;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/**
 * Trains a {@link VaeModel} by {@link Adam} on minibatches of the rows of X, maximizing the mean ELBO of the
 * batch at the variational parameters λ that the {@link Method} produces from the encoder's λ₀:
 * <pre>
 *   L(θ, φ) = −(1/B) Σ_b ELBO(λ_b(x_b); x_b, θ),   λ = λ₀ (amortized), λ_K (unrolled) or λ* (implicit),
 * </pre>
 * λ_K and λ* from {@link Refinement}. Each step draws B rows ({@link Minibatches}) and two independent sets of
 * fresh samples (B, S, k): ε_fit, held fixed through the refinement (so that G is deterministic), and ε, at which
 * the loss is estimated. With one set the loss would be evaluated at the samples λ was fitted to, an upward-biased
 * ELBO that the decoder could learn to exploit. Every method sees the same batches, the same samples and the same
 * initial parameters for a given seed.
 */
final class SaviTraining {
  /** How the variational parameters are obtained during training. */
  enum Method {
    AMORTIZED("amortized VAE (λ₀)"),
    UNROLLED("semi-amortized, K unrolled steps"),
    IMPLICIT("semi-amortized, implicit λ*");

    final String label;

    Method(String label) {
      this.label = label;
    }
  }

  /**
   * @param steps Adam steps
   * @param batch B
   * @param samples S
   * @param lr Adam's learning rate
   * @param unrolledSteps K of {@link Method#UNROLLED}
   * @param seed seed of the initial parameters, the batches and ε
   */
  record Config(int steps, int batch, int samples, double lr, int unrolledSteps, long seed) {}

  /**
   * @param params the trained parameters (decoder then encoder)
   * @param elbo the training ELBO of each step's batch, at the method's λ
   * @param msPerStep wall time per step (gradient and Adam update), in milliseconds
   */
  record Trained(Method method, Tensor[] params, double[] elbo, double msPerStep) {}

  private SaviTraining() {}

  /** The training loss L of one batch x (B, D) with samples ε, λ refined at samples ε_fit, in the parameters p. */
  static Tensor loss(Method method, VaeModel model, Refinement refinement, int unrolledSteps, Tensor[] p, Tensor x,
      Tensor epsFit, Tensor eps) {
    Tensor[] dec = VaeModel.decoder(p);
    Tensor lambda0 = model.encode(VaeModel.encoder(p), x);
    Tensor lambda = switch (method) {
      case AMORTIZED -> lambda0;
      case UNROLLED -> refinement.unrolled(x, epsFit, lambda0, dec, unrolledSteps);
      case IMPLICIT -> refinement.implicit(x, epsFit, lambda0, dec);
    };
    return Elbo.perPoint(lambda, eps, model.bernoulli(x, dec)).mean().neg();
  }

  /** Trains from {@code model.init(seed)} with a progress line in {@code output}. */
  static Trained train(Method method, VaeModel model, Refinement refinement, Tensor X, Config c, Output output) {
    Random rng = new Random(c.seed());
    Tensor[] params = model.init(rng);
    Adam adam = new Adam(c.lr(), params);
    Minibatches batches = new Minibatches(X.dim(0), c.batch(), rng);
    double[] elbo = new double[c.steps()];
    var loop = output.progress().loop(method.name().toLowerCase(java.util.Locale.ROOT), c.steps(), "elbo");
    long start = System.nanoTime();
    for (int t = 0; t < c.steps(); t++) {
      Tensor x = X.take(batches.next(), 0);
      Tensor epsFit = Tensor.randn(rng, x.dim(0), c.samples(), model.latent());
      Tensor eps = Tensor.randn(rng, x.dim(0), c.samples(), model.latent());
      var vg = AD.valueAndGradAll(p -> loss(method, model, refinement, c.unrolledSteps(), p, x, epsFit, eps), params);
      elbo[t] = -vg.value().item();
      params = adam.step(vg.grads());
      loop.update(t + 1, elbo[t]);
    }
    double ms = (System.nanoTime() - start) / 1e6 / c.steps();
    return new Trained(method, params, elbo, ms);
  }
}

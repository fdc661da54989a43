package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/**
 * A trained {@link VaeModel} on held-out rows X (N, D): the encoder's λ₀ = e_φ(X), the refined λ* of
 * {@link Refinement} (1) from λ₀ (L-BFGS on all N rows at once, samples ε_fit (N, S, k)), and the mean ELBO at
 * each, estimated with fresh samples ε_eval (N, S, k) independent of those λ* was fitted to. Every model is
 * refined the same way, with the same samples. With few samples λ* fits them rather than q's ELBO: with S = 4 the
 * refined held-out ELBO came out below the amortized one for all three models of a quick run, with 32 above.
 *
 * @param lambda0 λ₀ (N, 2k)
 * @param refined λ* (N, 2k)
 * @param elboAmortized (1/N) Σ ELBO(λ₀)
 * @param elboRefined (1/N) Σ ELBO(λ*)
 * @param iterations L-BFGS iterations of the refinement
 */
record SaviEvaluation(Tensor lambda0, Tensor refined, double elboAmortized, double elboRefined, int iterations) {
  /** Evaluates {@code params} on X; {@code seed} draws ε_fit and ε_eval. */
  static SaviEvaluation of(VaeModel model, Tensor[] params, Tensor X, double gamma, int samples, long seed) {
    Random rng = new Random(seed);
    Tensor epsFit = Tensor.randn(rng, X.dim(0), samples, model.latent());
    Tensor epsEval = Tensor.randn(rng, X.dim(0), samples, model.latent());
    Tensor[] dec = VaeModel.decoder(params);
    Tensor lambda0 = model.encode(VaeModel.encoder(params), X).concrete();
    Refinement refinement = new Refinement(model, gamma, 1e-6);
    Tensor refined = refinement.implicit(X, epsFit, lambda0, dec).concrete();
    var logLikelihood = model.bernoulli(X, dec);
    double at0 = Elbo.perPoint(lambda0, epsEval, logLikelihood).mean().item();
    double atStar = Elbo.perPoint(refined, epsEval, logLikelihood).mean().item();
    return new SaviEvaluation(lambda0, refined, at0, atStar, (int) refinement.counts().iterations());
  }
}

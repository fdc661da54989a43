package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;

/**
 * The variational autoencoder of the {@link Savi} experiment: latent z ∈ R^k, prior N(0, I), a one-hidden-layer
 * tanh decoder and encoder of width h on D pixels in [0, 1], all parameters in one array
 * p = (W₁, b₁, W₂, b₂ | V₁, c₁, V₂, c₂), the decoder's four first:
 * <pre>
 *   decoder logits   ℓ_θ(z) = tanh(z W₁ + b₁) W₂ + b₂                           W₁ (k, h), W₂ (h, D)
 *   log-likelihood   log p_θ(x | z) = Σ_d x_d ℓ_d − softplus(ℓ_d)                 (Bernoulli, soft targets)
 *   encoder          λ₀ = e_φ(x) = tanh(x V₁ + c₁) V₂ + c₂ = (μ, log σ)         V₁ (D, h), V₂ (h, 2k)
 * </pre>
 * The likelihood is the binary cross-entropy with the pixel intensities as soft targets: for x ∉ {0, 1} it is
 * not a normalized density over [0, 1]^D (the continuous Bernoulli's constant is left out, as in most VAE
 * papers), so the ELBOs reported are comparable between models but are not bounds on a log density of x.
 * tanh rather than ReLU: the implicit refinement's backward pass needs the ELBO's Hessian in λ, which ReLU
 * would leave without the decoder's curvature.
 *
 * @param latent k
 * @param hidden h
 * @param pixels D
 */
record VaeModel(int latent, int hidden, int pixels) {
  /** The number of decoder tensors at the front of a parameter array. */
  static final int DECODER_TENSORS = 4;

  VaeModel {
    if (latent < 1 || hidden < 1 || pixels < 1)
      throw new IllegalArgumentException("VaeModel: sizes must be ≥ 1, got k = " + latent + ", h = " + hidden + ", D = " + pixels);
  }

  /** Glorot-style weights N(0, 1/fan-in), zero biases; the encoder's last layer scaled by 0.1 so λ₀ starts near 0. */
  Tensor[] init(Random rng) {
    int k = latent, h = hidden, d = pixels;
    return new Tensor[] {
        Tensor.randn(rng, k, h).div(Math.sqrt(k)), Tensor.zeros(h), Tensor.randn(rng, h, d).div(Math.sqrt(h)), Tensor.zeros(d),
        Tensor.randn(rng, d, h).div(Math.sqrt(d)), Tensor.zeros(h), Tensor.randn(rng, h, 2 * k).mul(0.1 / Math.sqrt(h)),
        Tensor.zeros(2 * k)};
  }

  /** The decoder's tensors (W₁, b₁, W₂, b₂) of a full parameter array. */
  static Tensor[] decoder(Tensor[] params) {
    return Arrays.copyOfRange(params, 0, DECODER_TENSORS);
  }

  /** The encoder's tensors (V₁, c₁, V₂, c₂) of a full parameter array. */
  static Tensor[] encoder(Tensor[] params) {
    return Arrays.copyOfRange(params, DECODER_TENSORS, params.length);
  }

  /** ℓ_θ(z) for the rows of z (n, k): logits (n, D). */
  Tensor logits(Tensor[] dec, Tensor z) {
    return z.matmul(dec[0]).add(dec[1]).tanh().matmul(dec[2]).add(dec[3]);
  }

  /** λ₀ = e_φ(x) for the rows of x (B, D): (B, 2k), μ in the first k columns, log σ in the last k. */
  Tensor encode(Tensor[] enc, Tensor x) {
    return x.matmul(enc[0]).add(enc[1]).tanh().matmul(enc[2]).add(enc[3]);
  }

  /** z ↦ log p_θ(x_b | z_{b,s}) for samples z (B, S, k) of the rows x (B, D): (B, S). */
  Elbo.LogLikelihood bernoulli(Tensor x, Tensor[] dec) {
    Tensor target = x.expandDims(1);
    return z -> {
      int b = z.dim(0), s = z.dim(1);
      Tensor l = logits(dec, z.reshape(b * s, latent)).reshape(b, s, pixels);
      return target.mul(l).sub(l.softplus()).sum(2);
    };
  }

  /** The parameters as one vector (each tensor flattened, in order), for directional checks. */
  static Tensor flatten(Tensor[] params) {
    Tensor[] parts = new Tensor[params.length];
    for (int i = 0; i < parts.length; i++) parts[i] = params[i].reshape(-1);
    return Tensor.concat(0, parts);
  }

  /** The inverse of {@link #flatten}: the vector cut into tensors shaped like {@code like}. */
  static Tensor[] unflatten(Tensor flat, Tensor[] like) {
    Tensor[] parts = new Tensor[like.length];
    int at = 0;
    for (int i = 0; i < parts.length; i++) {
      int n = like[i].size();
      parts[i] = flat.slice(0, at, at + n).reshape(like[i].shape());
      at += n;
    }
    return parts;
  }
}

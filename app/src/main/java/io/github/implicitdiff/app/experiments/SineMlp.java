package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/**
 * The regression network of the sine tasks, 1–h–h–1 with tanh activations, on one flat parameter vector
 * φ = (W₁, b₁, W₂, b₂, W₃, b₃) of length P = h + h + h² + h + h + 1 (1761 for h = 40):
 * f_φ(x) = W₃ᵀ tanh(W₂ᵀ tanh(W₁ x + b₁) + b₂) + b₃, and the mean squared error
 * L(φ; x, y) = (1/n) Σᵢ (f_φ(xᵢ) − yᵢ)².
 *
 * <p>tanh rather than ReLU: the implicit meta-gradient needs the Hessian ∇²L (through CG products) and the
 * tests need it dense; tanh is smooth, with tanh' = 1 − tanh² written in tensor operations, so every order
 * of derivative is exact and continuous, while ReLU's second derivative vanishes almost everywhere and its
 * first jumps, which leaves ∇²L without the activations' curvature and central differences across kinks.
 *
 * @param hidden h, the width of both hidden layers
 */
record SineMlp(int hidden) {
  SineMlp {
    if (hidden < 1) throw new IllegalArgumentException("SineMlp: hidden width must be ≥ 1, got " + hidden);
  }

  /** P, the number of parameters. */
  int size() {
    return hidden * (hidden + 4) + 1;
  }

  /**
   * Glorot-style initial parameters: W₁ ~ N(0, 1), W₂ ~ N(0, 1/h), W₃ ~ N(0, 1/h), biases 0 (x ∈ [−5, 5]
   * then puts the first layer's pre-activations over tanh's curved range).
   */
  Tensor init(Random rng) {
    int h = hidden;
    return Tensor.concat(0, Tensor.randn(rng, h), Tensor.zeros(h), Tensor.randn(rng, h * h).div(Math.sqrt(h)),
        Tensor.zeros(h), Tensor.randn(rng, h).div(Math.sqrt(h)), Tensor.zeros(1));
  }

  /** f_φ at the points of the vector x (a vector of the same length). */
  Tensor predict(Tensor phi, Tensor x) {
    int h = hidden, at = 0;
    Tensor w1 = phi.slice(0, at, at += h).reshape(1, h), b1 = phi.slice(0, at, at += h);
    Tensor w2 = phi.slice(0, at, at += h * h).reshape(h, h), b2 = phi.slice(0, at, at += h);
    Tensor w3 = phi.slice(0, at, at += h).reshape(h, 1), b3 = phi.slice(0, at, at + 1);
    Tensor h1 = x.reshape(-1, 1).matmul(w1).add(b1).tanh();
    Tensor h2 = h1.matmul(w2).add(b2).tanh();
    return h2.matmul(w3).reshape(-1).add(b3);
  }

  /** L(φ; x, y), a scalar. */
  Tensor mse(Tensor phi, Tensor x, Tensor y) {
    return predict(phi, x).sub(y).square().mean();
  }
}

package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Adam (Kingma and Ba 2015) on a list of tensors θ = (θ_1, …, θ_p), each with its own moments. Step t
 * (from 1) with gradients g:
 * <pre>
 *   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,
 *   θ ← θ − η m̂ / (√v̂ + 1e-8),   m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ),
 * </pre>
 * β₁ = 0.9, β₂ = 0.999, elementwise. Written here: the library's solvers are inner solvers.
 */
final class Adam {
  private static final double B1 = 0.9, B2 = 0.999, EPS = 1e-8;
  private final double lr;
  private final Tensor[] params, m, v;
  private int t;

  /** Starts from {@code init} (made concrete) with zero moments. */
  Adam(double lr, Tensor... init) {
    this.lr = lr;
    params = new Tensor[init.length];
    m = new Tensor[init.length];
    v = new Tensor[init.length];
    for (int i = 0; i < init.length; i++) {
      params[i] = init[i].concrete();
      m[i] = Tensor.zeros(init[i].shape());
      v[i] = Tensor.zeros(init[i].shape());
    }
  }

  /** The current parameters (concrete). */
  Tensor[] params() {
    return params.clone();
  }

  /**
   * Replaces parameter {@code i} by {@code projection} of it (made concrete), the moments unchanged: after
   * {@link #step}, projected Adam onto a constraint set.
   */
  Tensor project(int i, java.util.function.UnaryOperator<Tensor> projection) {
    params[i] = projection.apply(params[i]).concrete();
    return params[i];
  }

  /** One step with the gradients of the current parameters, in the same order; returns the new parameters. */
  Tensor[] step(Tensor... grads) {
    if (grads.length != params.length)
      throw new IllegalArgumentException("Adam: " + grads.length + " gradients for " + params.length + " parameters");
    t++;
    for (int i = 0; i < params.length; i++) {
      Tensor g = grads[i];
      m[i] = m[i].mul(B1).add(g.mul(1 - B1));
      v[i] = v[i].mul(B2).add(g.square().mul(1 - B2));
      Tensor mHat = m[i].div(1 - Math.pow(B1, t)), vHat = v[i].div(1 - Math.pow(B2, t));
      params[i] = params[i].sub(mHat.mul(lr).div(vHat.sqrt().add(EPS))).concrete();
    }
    return params();
  }
}

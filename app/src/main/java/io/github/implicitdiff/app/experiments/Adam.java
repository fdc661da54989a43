package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Adam (Kingma and Ba 2015) on a list of parameter tensors, each updated elementwise at step t = 1, 2, …:
 * m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g², θ ← θ − η m̂ / (√v̂ + ε) with m̂ = m / (1 − β₁ᵗ),
 * v̂ = v / (1 − β₂ᵗ); β₁ = 0.9, β₂ = 0.999, ε = 1e-8. The experiments' outer optimizer (the library's solvers
 * are inner solvers); mutable, one instance per training run.
 */
final class Adam {
  private static final double B1 = 0.9, B2 = 0.999, EPS = 1e-8;
  private final double lr;
  private final Tensor[] m, v;
  private int t;

  /** Adam with learning rate η for parameters shaped like {@code params}. */
  Adam(double lr, Tensor... params) {
    this.lr = lr;
    this.m = new Tensor[params.length];
    this.v = new Tensor[params.length];
    for (int i = 0; i < params.length; i++) {
      m[i] = Tensor.zeros(params[i].shape());
      v[i] = Tensor.zeros(params[i].shape());
    }
  }

  /** One step: the updated (concrete) parameters given the gradients at {@code params}. */
  Tensor[] step(Tensor[] params, Tensor[] grads) {
    if (params.length != m.length || grads.length != m.length)
      throw new IllegalArgumentException("Adam: " + m.length + " parameters, got " + params.length + " and " + grads.length + " gradients");
    t++;
    Tensor[] next = new Tensor[params.length];
    for (int i = 0; i < params.length; i++) {
      Tensor g = grads[i];
      m[i] = m[i].mul(B1).add(g.mul(1 - B1));
      v[i] = v[i].mul(B2).add(g.square().mul(1 - B2));
      Tensor mHat = m[i].div(1 - Math.pow(B1, t)), vHat = v[i].div(1 - Math.pow(B2, t));
      next[i] = params[i].sub(mHat.mul(lr).div(vHat.sqrt().add(EPS))).concrete();
    }
    return next;
  }

  /** One step for a single parameter tensor. */
  Tensor step(Tensor param, Tensor grad) {
    return step(new Tensor[] {param}, new Tensor[] {grad})[0];
  }
}

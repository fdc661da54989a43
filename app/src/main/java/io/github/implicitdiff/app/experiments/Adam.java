package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Adam (Kingma and Ba 2015) on one parameter tensor, for the experiments' outer loops (the library's solvers are
 * inner solvers): with g_t the gradient at step t = 1, 2, …,
 * m_t = β₁ m_{t−1} + (1 − β₁) g_t, v_t = β₂ v_{t−1} + (1 − β₂) g_t², m̂_t = m_t / (1 − β₁ᵗ),
 * v̂_t = v_t / (1 − β₂ᵗ), θ_t = θ_{t−1} − η m̂_t / (√v̂_t + ε), with β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
 */
final class Adam {
  private static final double B1 = 0.9, B2 = 0.999, EPS = 1e-8;
  private final double lr;
  private Tensor m, v;
  private int t;

  /** @param lr the step η; @param shape the shape of the parameters */
  Adam(double lr, int... shape) {
    this.lr = lr;
    this.m = Tensor.zeros(shape);
    this.v = Tensor.zeros(shape);
  }

  /** θ_t from θ_{t−1} and g_t (concrete). */
  Tensor step(Tensor theta, Tensor g) {
    t++;
    m = m.mul(B1).add(g.mul(1 - B1));
    v = v.mul(B2).add(g.square().mul(1 - B2));
    Tensor mHat = m.div(1 - Math.pow(B1, t)), vHat = v.div(1 - Math.pow(B2, t));
    return theta.sub(mHat.mul(lr).div(vHat.sqrt().add(EPS))).concrete();
  }
}

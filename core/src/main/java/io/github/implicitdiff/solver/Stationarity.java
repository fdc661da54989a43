package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.optimality.Objective;

/** The stationarity condition of a smooth objective, F(x, θ) = ∇₁f(x, θ). */
final class Stationarity {
  private Stationarity() {}

  static Optimality of(Objective f) {
    return (x, theta) -> AD.grad(z -> f.apply(z, theta), x);
  }
}

package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.linalg.Cholesky;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Reference solutions for finite-difference checks (small instances only): a minimizer from a solver with a line
 * search, polished by full Newton steps x ← x − (∇²g)⁻¹∇g with the dense Hessian and a Cholesky solve. A line
 * search stops seeing g decrease near rms(∇g) ≈ √(rounding of g); Newton steps without one take ∇g to rounding
 * level, so the finite differences of an outer loss at these solutions measure the derivative, not solver error.
 */
final class NewtonPolish {
  private NewtonPolish() {}

  /** {@code steps} Newton steps on g from x (concrete values, not differentiable). */
  static Tensor dense(TensorFunction g, Tensor x, int steps) {
    Tensor z = x.concrete();
    int n = z.size();
    for (int i = 0; i < steps; i++) {
      Tensor step = Cholesky.factor(AD.hessian(g, z).reshape(n, n)).solve(AD.grad(g, z).reshape(n));
      z = z.sub(step.reshape(z.shape())).concrete();
    }
    return z;
  }
}

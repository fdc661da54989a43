package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.loss.Objectives;
import io.github.implicitdiff.solver.LBFGS;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Binary logistic regression on features Z (n×p) with labels y ∈ {0, 1}ⁿ, weights w (p) and an unpenalized
 * intercept b:
 * <pre>
 *   L(w, b; Z, y) = (1/n) Σ_i [log(1 + e^{s_i}) − y_i s_i] + (μ/2)‖w‖²,   s = Zw + b.
 * </pre>
 * {@link #fit} minimizes L by L-BFGS (to rms gradient 1e-8), from zero.
 *
 * @param w the weights (p)
 * @param b the intercept (scalar)
 */
record LogisticModel(Tensor w, Tensor b) {
  /** L(w, b; Z, y), differentiable in all arguments. */
  static Tensor loss(Tensor w, Tensor b, double mu, Tensor Z, Tensor y) {
    return Objectives.l2BinaryLogisticWithIntercept(w, b, Tensor.scalar(mu), Z, y);
  }

  /** argmin_{w, b} L(w, b; Z, y). */
  static LogisticModel fit(Tensor Z, Tensor y, double mu) {
    int p = Z.dim(1);
    Tensor x = LBFGS.of((wb, th) -> loss(wb.slice(0, 0, p), wb.slice(0, p, p + 1).reshape(), mu, Z, y)).withTol(1e-8)
        .run(Tensor.zeros(p + 1)).orThrow().concrete();
    return new LogisticModel(x.slice(0, 0, p), x.slice(0, p, p + 1).reshape());
  }

  /** The scores s = Zw + b (logits). */
  double[] scores(Tensor Z) {
    return Z.matmul(w).add(b).concrete().toDoubleArray();
  }
}

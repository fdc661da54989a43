package io.github.implicitdiff.projection;

import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Entropic projection onto the transport polytope U(a, b) = {P ≥ 0, P1 = a, Pᵀ1 = b} by Sinkhorn
 * iterations in the log domain. With K = X/ε, one iteration is
 * <pre>
 *   f ← log a − logsumexp_j(K_ij + g_j),   g ← log b − logsumexp_i(K_ij + f_i),
 * </pre>
 * and P = exp(K + f1ᵀ + 1gᵀ). Every iteration is a tensor operation, so the result differentiates in
 * X, a and b by unrolling the iterations ({@code implicitDifferentiation} false); by default the iterations
 * run on values and the plan is differentiated implicitly ({@link SinkhornCondition}).
 */
final class Sinkhorn {
  private Sinkhorn() {}

  static Tensor project(String op, Tensor X, Tensor a, Tensor b, SinkhornOptions options) {
    if (options == null) throw new IllegalArgumentException(op + ": options is null; use SinkhornOptions.defaults()");
    Arguments.finite(op, "X", X);
    if (X.ndim() != 2) throw new ShapeException(op + ": X must be a matrix, got shape " + X.shapeString());
    if (X.size() == 0) throw new ShapeException(op + ": X of shape " + X.shapeString() + " is empty; marginals need mass");
    Arguments.finite(op, "a", a);
    Arguments.finite(op, "b", b);
    int m = X.dim(0), n = X.dim(1);
    if (a.ndim() != 1 || a.dim(0) != m || b.ndim() != 1 || b.dim(0) != n)
      throw new ShapeException(op + ": marginals a " + a.shapeString() + " and b " + b.shapeString()
          + " must be vectors of lengths (" + m + ",) and (" + n + ",) to match X " + X.shapeString());
    for (double v : a.toDoubleArray())
      if (!(v > 0)) throw new IllegalArgumentException(op + ": marginal a must be positive, found " + v);
    for (double v : b.toDoubleArray())
      if (!(v > 0)) throw new IllegalArgumentException(op + ": marginal b must be positive, found " + v);
    double sa = a.sum().item(), sb = b.sum().item();
    if (Math.abs(sa - sb) > 1e-10 * Math.max(sa, sb))
      throw new IllegalArgumentException(op + ": marginals must have equal mass, Σa = " + sa + " but Σb = " + sb);

    if (options.implicitDifferentiation()) return SinkhornCondition.plan(op, X, a, b, options);
    Tensor K = X.div(options.regularization());
    Tensor[] fg = potentials(op, K, a, b, options);
    return plan(K, fg[0], fg[1]);
  }

  /** P = exp(K + f1ᵀ + 1gᵀ). */
  static Tensor plan(Tensor K, Tensor f, Tensor g) {
    return K.add(f.reshape(-1, 1)).add(g.reshape(1, -1)).exp();
  }

  /**
   * The potentials (f, g) of the plan for K = X/ε, by the iterations above; recorded when K, a or b are traced.
   *
   * @throws NotConvergedException if the row marginals are not within the tolerance after maxIterations
   */
  static Tensor[] potentials(String op, Tensor K, Tensor a, Tensor b, SinkhornOptions options) {
    int m = K.dim(0), n = K.dim(1);
    Tensor logA = a.log(), logB = b.log();
    Tensor g = Tensor.zeros(n);
    double error = Double.NaN;
    for (int k = 1; k <= options.maxIterations(); k++) {
      Tensor f = logA.sub(K.add(g.reshape(1, n)).logsumexp(1));
      g = logB.sub(K.add(f.reshape(m, 1)).logsumexp(0));
      // the stopping test reads concrete values only
      error = plan(K.concrete(), f.concrete(), g.concrete()).sum(1).sub(a.concrete()).maxAbs();
      if (error <= options.tolerance()) return new Tensor[] {f, g};
      if (Double.isNaN(error)) break;
    }
    throw new NotConvergedException(op + ": Sinkhorn did not reach tolerance " + options.tolerance() + " in "
        + options.maxIterations() + " iterations (row-marginal error " + error + ", ε = " + options.regularization()
        + "); raise maxIterations or the regularization ε");
  }
}

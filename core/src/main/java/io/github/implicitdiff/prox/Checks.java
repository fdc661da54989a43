package io.github.implicitdiff.prox;

import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Shapes;
import io.github.implicitdiff.tensor.Tensor;

/** Validation shared by the proximal operators; each message names the operator and the values. */
final class Checks {
  private Checks() {}

  static void x(String op, Tensor x) {
    if (x == null) throw new IllegalArgumentException(op + ": x is null");
    x.requireFinite(op + ": x must be finite (NaN or infinity found)");
  }

  /** η ≥ 0 and finite. */
  static void eta(String op, double eta) {
    if (!(eta >= 0) || !Double.isFinite(eta))
      throw new IllegalArgumentException(op + ": the step η must be finite and non-negative, got " + eta);
  }

  /** A non-negative, finite hyperparameter broadcasting to {@code shape}. */
  static void hyperparameter(String op, String name, Tensor t, int[] shape) {
    if (t == null) throw new IllegalArgumentException(op + ": " + name + " is null");
    t.requireFinite(op + ": " + name + " must be finite (NaN or infinity found)");
    if (!Shapes.broadcastsTo(t.shape(), shape))
      throw new ShapeException(op + ": " + name + " of shape " + t.shapeString() + " does not broadcast to "
          + Shapes.str(shape));
    for (double v : t.toDoubleArray())
      if (v < 0) throw new IllegalArgumentException(op + ": " + name + " must be non-negative, got " + v);
  }

  static void count(String op, Tensor[] theta, int n, String names) {
    if (theta == null)
      throw new IllegalArgumentException(op + ": the hyperparameter array is null; pass " + n + " hyperparameter(s) (" + names + ")");
    if (theta.length != n)
      throw new IllegalArgumentException(op + ": expects " + n + " hyperparameter(s) (" + names + "), got " + theta.length);
  }
}

package io.github.implicitdiff.examples;

import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Central finite differences of re-solves, the independent reference the example programs check their
 * derivatives against (written from the public API only, as a user would); the solver tests use it too.
 */
public final class Fd {
  private Fd() {}

  /** J[i, j] = ∂f_i/∂x_j (f flattened, x flattened) by central differences with step h. */
  public static Tensor jacobian(TensorFunction f, Tensor x, double h) {
    int n = x.size();
    double[] base = x.toDoubleArray();
    Tensor[] cols = new Tensor[n];
    for (int j = 0; j < n; j++) {
      double[] plus = base.clone(), minus = base.clone();
      plus[j] += h;
      minus[j] -= h;
      Tensor fp = f.apply(Tensor.fromArray(plus, x.shape())), fm = f.apply(Tensor.fromArray(minus, x.shape()));
      cols[j] = fp.sub(fm).div(2 * h).reshape(-1, 1);
    }
    return Tensor.concat(1, cols);
  }

  /** The gradient of a scalar f, shaped like x, by central differences with step h. */
  public static Tensor gradient(TensorFunction f, Tensor x, double h) {
    return jacobian(f, x, h).reshape(x.shape());
  }

  /** ‖a − b‖ / ‖b‖ (Frobenius), with a and b of the same size. */
  public static double relativeError(Tensor a, Tensor b) {
    if (a.size() != b.size()) throw new AssertionError("sizes differ: " + a.shapeString() + " vs " + b.shapeString());
    return a.reshape(-1).sub(b.reshape(-1)).norm2() / b.norm2();
  }
}

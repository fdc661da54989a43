package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.tensor.Tensor;

/** Central finite-difference Jacobians, the independent reference for the solvers' derivatives. */
final class Fd {
  private Fd() {}

  /** J[i, j] = ∂f_i/∂x_j by central differences with step h (f and x vectors or scalars). */
  static Tensor jacobian(TensorFunction f, Tensor x, double h) {
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
}

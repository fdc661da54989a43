package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.ValueAndGrad;
import io.github.implicitdiff.tensor.Tensor;

/**
 * f(·, batch, θ) on one minibatch, as a step rule sees it: value and gradient in tensor operations (recorded when
 * θ or x is traced, so unrolled differentiation flows through them), and values on concrete inputs for the rule's
 * decisions (a line search's trials), which are not recorded.
 */
record MinibatchObjective(BatchObjective f, Tensor[] batch, Tensor[] theta, Tensor[] thetaValues) {
  static MinibatchObjective of(BatchObjective f, Tensor[] batch, Tensor[] theta) {
    Tensor[] values = new Tensor[theta.length];
    for (int i = 0; i < theta.length; i++) values[i] = theta[i].concrete();
    return new MinibatchObjective(f, batch, theta, values);
  }

  ValueAndGrad valueAndGrad(Tensor x) {
    return AD.valueAndGrad(z -> f.apply(z, batch, theta), x);
  }

  /** f at the values of x and θ (nothing recorded). */
  double valueAt(Tensor x) {
    return f.apply(x.concrete(), batch, thetaValues).item();
  }
}

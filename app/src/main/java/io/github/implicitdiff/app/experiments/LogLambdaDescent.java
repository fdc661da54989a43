package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.autodiff.ValueAndGrad;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Hypergradient descent on one regularization strength through its logarithm s = log λ, by the shared
 * {@link Adam}: s_{t+1} = Adam(s_t, dL/ds), with dL/ds = λ dL/dλ the hypergradient of the outer loss L(λ) taken
 * through the inner solver. A step in s is a relative change of λ, so the step size needs no knowledge of λ's
 * scale, and λ stays positive.
 *
 * @param lambda λ_t for t = 0..steps
 * @param loss L(λ_t)
 * @param gradient dL/ds at s_t
 * @param millis wall-clock milliseconds of each evaluation of L and dL/ds (inner solve and implicit derivative)
 */
record LogLambdaDescent(double[] lambda, double[] loss, double[] gradient, double[] millis) {
  /**
   * Runs {@code steps} Adam steps with learning rate {@code lr} from λ₀, evaluating {@code outer} (a function of s,
   * differentiable in it) steps + 1 times; {@code afterEach} is called after evaluation t, while the inner
   * problem's last solution is that of λ_t.
   */
  static LogLambdaDescent run(TensorFunction outer, double lambda0, double lr, int steps, AfterEach afterEach) {
    double[] lambda = new double[steps + 1], loss = new double[steps + 1], grad = new double[steps + 1],
        millis = new double[steps + 1];
    Adam adam = new Adam(lr, Tensor.scalar(Math.log(lambda0)));
    Tensor s = adam.params()[0];
    for (int t = 0; ; t++) {
      long start = System.nanoTime();
      ValueAndGrad vg = AD.valueAndGrad(outer, s);
      millis[t] = (System.nanoTime() - start) / 1e6;
      lambda[t] = Math.exp(s.item());
      loss[t] = vg.value().item();
      grad[t] = vg.grad().item();
      afterEach.accept(t, lambda[t], loss[t]);
      if (t == steps) break;
      s = adam.step(vg.grad())[0];
    }
    return new LogLambdaDescent(lambda, loss, grad, millis);
  }

  /** Called after each evaluation. */
  @FunctionalInterface
  interface AfterEach {
    /** Evaluation t (0..steps) gave L(λ_t) = {@code loss}. */
    void accept(int t, double lambda, double loss);
  }

  /** The index of the smallest loss along the path, the λ the descent selects (every iterate was validated). */
  int best() {
    return ValidationCurve.argmin(loss);
  }

  /** The median of {@link #millis}. */
  double medianMillis() {
    double[] sorted = millis.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}

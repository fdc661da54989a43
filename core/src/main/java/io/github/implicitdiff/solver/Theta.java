package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * θ split between the objective and an operator (prox, projection): θ = (θ_f..., θ_g...), the last
 * {@code operatorCount} tensors going to the operator.
 */
record Theta(Tensor[] objective, Tensor[] operator) {
  static Theta split(String solver, Tensor[] theta, int operatorCount, String operatorName) {
    Guards.requirePresent(solver, theta);
    if (theta.length < operatorCount)
      throw new IllegalArgumentException(solver + ": θ has " + theta.length + " tensors but the " + operatorName
          + " takes the last " + operatorCount + "; pass θ = (θ_f..., θ_g...)");
    int m = theta.length - operatorCount;
    return new Theta(Arrays.copyOfRange(theta, 0, m), Arrays.copyOfRange(theta, m, theta.length));
  }

  static void requireCount(String solver, int count, String operatorName) {
    if (count < 0)
      throw new IllegalArgumentException(solver + ": the " + operatorName + " parameter count must be ≥ 0, got " + count);
  }
}

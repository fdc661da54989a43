package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;

/**
 * An objective on a minibatch, f(x, batch, θ...): {@code batch} holds the rows of each data tensor of a
 * {@link Dataset} (in the dataset's order), θ the differentiable parameters. The stochastic solvers
 * ({@link ArmijoSGD}, {@link PolyakSGD}, {@link MinibatchAdam}) minimize the full-batch objective
 * f(x, all rows, θ); f should therefore be a mean over the batch's rows (plus terms that do not depend on the data,
 * such as a penalty), so that a minibatch's value and gradient are unbiased estimates of the full-batch ones.
 *
 * <pre>{@code
 * // L2-regularized logistic regression: batch[0] the rows of X, batch[1] the labels (0 or 1)
 * BatchObjective f = (w, batch, th) -> Objectives.l2BinaryLogistic(w, th[0], batch[0], batch[1]);
 * }</pre>
 */
@FunctionalInterface
public interface BatchObjective {
  Tensor apply(Tensor x, Tensor[] batch, Tensor... theta);
}

package io.github.implicitdiff.perturbation;

import io.github.implicitdiff.tensor.Tensor;

/**
 * A function evaluated on concrete tensors only and never differentiated: a combinatorial solver, a sort, a
 * shortest path, any Java code. {@link Perturbed} calls it on θ + εZ for each noise draw Z.
 *
 * <pre>{@code
 * BlackBox oneHotArgmax = theta -> Tensor.oneHot(Tensor.scalar(theta.argmax(0)[0]), theta.dim(0));
 * }</pre>
 */
@FunctionalInterface
public interface BlackBox {
  /** The output at a concrete input (the same shape for every input of the same shape). */
  Tensor apply(Tensor input);
}

package io.github.implicitdiff.implicit;

import io.github.implicitdiff.tensor.Tensor;

/**
 * An optimality condition on a tuple of unknowns, such as KKT conditions on (primal, equality duals,
 * inequality duals): returns one residual per unknown, each with that unknown's shape.
 */
@FunctionalInterface
public interface TupleOptimality {
  Tensor[] apply(Tensor[] x, Tensor... theta);
}

package io.github.implicitdiff.implicit;

import io.github.implicitdiff.tensor.Tensor;

/** A solver returning a tuple of unknowns (for example primal and dual variables). */
@FunctionalInterface
public interface TupleRootSolver {
  Tensor[] solve(Tensor... theta);
}

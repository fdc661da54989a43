package io.github.implicitdiff.implicit;

import io.github.implicitdiff.tensor.Tensor;

/** Any code that maps θ to a solution x*(θ); it is run on concrete values and never differentiated. */
@FunctionalInterface
public interface RootSolver {
  Tensor solve(Tensor... theta);
}

package io.github.implicitdiff.solver;

/** How a solver's solution is differentiated with respect to θ. */
public enum Differentiation {
  /**
   * By the implicit function theorem applied to the solver's optimality condition (the default): the
   * iterations run on concrete values and are never recorded; memory does not grow with them.
   */
  IMPLICIT,
  /** By differentiating through the recorded iterations (for comparison, or without an optimality condition). */
  UNROLLED
}

package io.github.implicitdiff.linalg;

/**
 * The options every Krylov solver shares (package-private; set through the {@link IterativeSolver}
 * withers). {@code maxIterations} null means the solver's default for the operator's size.
 */
record IterativeSettings(double tol, Integer maxIterations, double ridge, Preconditioner preconditioner, boolean reporting) {
  static final IterativeSettings DEFAULTS = new IterativeSettings(IterativeSolver.DEFAULT_TOL, null, 0, null, false);

  IterativeSettings withTol(double value) {
    return new IterativeSettings(value, maxIterations, ridge, preconditioner, reporting);
  }

  IterativeSettings withMaxIterations(Integer value) {
    return new IterativeSettings(tol, value, ridge, preconditioner, reporting);
  }

  IterativeSettings withRidge(double value) {
    return new IterativeSettings(tol, maxIterations, value, preconditioner, reporting);
  }

  IterativeSettings withPreconditioner(Preconditioner value) {
    return new IterativeSettings(tol, maxIterations, ridge, value, reporting);
  }

  IterativeSettings withReporting(boolean value) {
    return new IterativeSettings(tol, maxIterations, ridge, preconditioner, value);
  }
}

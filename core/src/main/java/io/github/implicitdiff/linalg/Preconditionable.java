package io.github.implicitdiff.linalg;

/**
 * A linear solver that can take a preconditioner, so that a caller holding only a {@link LinearSolver}
 * (for example a solver handing the implicit backward solve curvature it learned) can add one.
 *
 * <pre>{@code
 * LinearSolver s = LinearSolvers.cg();
 * if (s instanceof Preconditionable p) s = p.withPreconditioner(Preconditioners.lbfgs(steps, gradientChanges));
 * }</pre>
 */
public interface Preconditionable extends LinearSolver {
  /** The same solver with z = M⁻¹ r as its preconditioner (replacing any it had). */
  LinearSolver withPreconditioner(Preconditioner preconditioner);
}

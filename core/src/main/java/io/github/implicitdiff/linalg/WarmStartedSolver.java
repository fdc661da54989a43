package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A linear solver that starts each solve from the previous solution: for a sequence of nearby systems
 * (a hyperparameter loop differentiating the same solver at θ_1, θ_2, …, each backward pass solving
 * (∂₁F)ᵀ w = −g with slowly changing ∂₁F and g) the last adjoint w is a good x0 for the next.
 *
 * <p>Each solve called without an x0 starts from the last solution x_prev of this object (and of every
 * solver derived from it by {@link #withPreconditioner}) when x_prev has b's length and reduces the
 * initial residual, ‖b − A x_prev‖ &lt; ‖b‖ (one product with A to check); otherwise it starts from zeros.
 * The tolerance is relative to ‖b‖ whatever the start, so the solution is as accurate as a cold solve.
 * Thread-safe: the memory is one atomic reference; threads sharing the object may start from each
 * other's solutions, which changes iteration counts, never the accuracy. Give each independent loop its
 * own instance for reproducible counts.
 *
 * <pre>{@code
 * LinearSolver warm = LinearSolvers.warmStarted(LinearSolvers.cg());
 * LBFGS solver = LBFGS.of(f).withLinearSolver(warm);          // reuse `solver` across the loop
 * for (double lam : grid) AD.grad(l -> outerLoss(solver.run(w0, l).solution()), Tensor.scalar(lam));
 * }</pre>
 */
public final class WarmStartedSolver implements Preconditionable {
  private final LinearSolver inner;
  private final AtomicReference<Tensor> last;

  WarmStartedSolver(LinearSolver inner, AtomicReference<Tensor> last) {
    this.inner = CheckedOperator.present("warmStarted", "the inner solver", inner);
    this.last = last;
  }

  /** The solver doing the work. */
  public LinearSolver inner() {
    return inner;
  }

  /** Forgets the stored solution: the next solve starts from zeros. */
  public void reset() {
    last.set(null);
  }

  @Override
  public LinearSolution solve(LinearOperator A, Tensor b, Tensor x0) {
    Tensor start = x0 != null ? x0 : usefulStart(A, b, last.get());
    LinearSolution solution = inner.solve(A, b, start);
    last.set(solution.x());
    return solution;
  }

  private static Tensor usefulStart(LinearOperator A, Tensor b, Tensor previous) {
    if (previous == null || previous.size() != b.size() || A.size() != b.size()) return null;
    Tensor x = previous.reshape(b.shape());
    double initial = b.sub(A.apply(x)).norm2();
    return initial < b.norm2() ? x : null;
  }

  @Override
  public boolean requiresSymmetric() {
    return inner.requiresSymmetric();
  }

  @Override
  public boolean requiresTranspose() {
    return inner.requiresTranspose();
  }

  /**
   * The inner solver with a preconditioner, warm-started from the same memory as this one.
   *
   * @throws UnsupportedOperationException if the inner solver takes no preconditioner (a direct method)
   */
  @Override
  public WarmStartedSolver withPreconditioner(Preconditioner preconditioner) {
    if (!(inner instanceof Preconditionable p))
      throw new UnsupportedOperationException("warmStarted: the inner solver " + inner + " takes no preconditioner");
    return new WarmStartedSolver(p.withPreconditioner(preconditioner), last);
  }

  @Override
  public String toString() {
    return "warmStarted(" + inner + ")";
  }
}

package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.LinearOperator;
import io.github.implicitdiff.linalg.LinearSolution;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The one switch between implicit and unrolled differentiation, shared by every solver.
 *
 * <p>UNROLLED: the iterations run on θ as given (traced tensors record every step). IMPLICIT: when no θ is
 * being differentiated, the iterations simply run; otherwise they run on the concrete values and the
 * solution is attached to θ by {@link Implicit#customRoot} with the solver's optimality condition, so
 * the derivative comes from F(x*, θ) = 0 alone. The optimality condition and the linear solver of the
 * implicit systems may depend on what the run found ({@link Backward}): the degenerate coordinates whose
 * derivative convention must be enforced, or curvature information that preconditions the solve.
 */
public final class Iterations {
  private Iterations() {}

  /**
   * What the implicit layer uses after a concrete run: the optimality condition to differentiate and the
   * linear solver of its systems.
   */
  public record Backward(Optimality optimality, LinearSolver linearSolver) {
    public Backward {
      if (optimality == null || linearSolver == null)
        throw new IllegalArgumentException("Iterations.Backward: optimality and linearSolver must not be null");
    }
  }

  /**
   * Runs {@code iterate} on θ with the chosen differentiation.
   *
   * @param F the solver's optimality condition
   * @param iterate the solver's loop: θ ↦ result (must not depend on traced tensors other than θ)
   */
  public static SolverResult run(Differentiation mode, Optimality F, Function<Tensor[], SolverResult> iterate,
      LinearSolver linearSolver, ImplicitOptions options, Tensor[] theta) {
    Backward fixed = new Backward(F, linearSolver);
    return run(mode, iterate, r -> fixed, options, theta);
  }

  /**
   * Runs {@code iterate} on θ; under IMPLICIT differentiation the optimality condition and linear solver
   * are those {@code backward} builds from the concrete result (called once, after the run).
   *
   * @param iterate the solver's loop: θ ↦ result (must not depend on traced tensors other than θ)
   * @param backward the concrete result ↦ the optimality condition and linear solver to differentiate with
   */
  public static SolverResult run(Differentiation mode, Function<Tensor[], SolverResult> iterate,
      Function<SolverResult, Backward> backward, ImplicitOptions options, Tensor[] theta) {
    if (mode == Differentiation.UNROLLED || Arrays.stream(theta).noneMatch(Tensor::isTraced)) return iterate.apply(theta);
    SolverResult[] concrete = new SolverResult[1];
    Backward[] chosen = new Backward[1];
    Optimality F = (x, th) -> current(chosen).optimality().apply(x, th);
    Tensor x = Implicit.customRoot(F, th -> {
      concrete[0] = iterate.apply(th);
      chosen[0] = backward.apply(concrete[0]);
      return concrete[0].solution();
    }, new Deferred(chosen), options).apply(theta);
    return concrete[0].withSolution(x);
  }

  private static Backward current(Backward[] chosen) {
    if (chosen[0] == null) throw new IllegalStateException("Iterations: the implicit layer used F before the solver ran");
    return chosen[0];
  }

  /** The linear solver {@code backward} chose, looked up when the implicit layer first solves. */
  private record Deferred(Backward[] chosen) implements LinearSolver {
    @Override
    public LinearSolution solve(LinearOperator A, Tensor b, Tensor x0) {
      return current(chosen).linearSolver().solve(A, b, x0);
    }

    @Override
    public boolean requiresSymmetric() {
      return current(chosen).linearSolver().requiresSymmetric();
    }

    @Override
    public boolean requiresTranspose() {
      return current(chosen).linearSolver().requiresTranspose();
    }
  }
}

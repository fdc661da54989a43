package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.implicit.Optimality;
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
 * the derivative comes from F(x*, θ) = 0 alone.
 */
public final class Iterations {
  private Iterations() {}

  /**
   * Runs {@code iterate} on θ with the chosen differentiation.
   *
   * @param F the solver's optimality condition
   * @param iterate the solver's loop: θ ↦ result (must not depend on traced tensors other than θ)
   */
  public static SolverResult run(Differentiation mode, Optimality F, Function<Tensor[], SolverResult> iterate,
      LinearSolver linearSolver, ImplicitOptions options, Tensor[] theta) {
    if (mode == Differentiation.UNROLLED || Arrays.stream(theta).noneMatch(Tensor::isTraced)) return iterate.apply(theta);
    SolverResult[] concrete = new SolverResult[1];
    Tensor x = Implicit.customRoot(F, th -> {
      concrete[0] = iterate.apply(th);
      return concrete[0].solution();
    }, linearSolver, options).apply(theta);
    SolverResult r = concrete[0];
    return new SolverResult(x, r.iterations(), r.error(), r.converged());
  }
}

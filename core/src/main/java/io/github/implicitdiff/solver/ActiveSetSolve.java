package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Runs a first-order solver on concrete θ and attaches its solution to θ through the active-set-reduced
 * optimality condition of an {@link ActiveSetReduction}: x*(θ) = embed(x_S*(θ), θ_g), where x_S* is the
 * root of F_S(x_S, θ) = [∇₁f(embed(x_S, θ_g), θ_f)]_S + t_S(θ_g), differentiated by {@link Implicit#customRoot}
 * with a symmetric |S|×|S| system (CG unless the solver was given another linear solver).
 */
final class ActiveSetSolve {
  private ActiveSetSolve() {}

  /**
   * @param iterate the solver's loop θ ↦ result, run here on concrete θ only
   * @param linearSolver the solver's explicitly set linear solver, or null for CG
   * @param options the solver's explicitly set implicit options, or null for the defaults (symmetry is forced on)
   */
  static SolverResult run(String solver, ActiveSetReduction reduction, Objective f, int operatorCount, String operatorName,
      Function<Tensor[], SolverResult> iterate, LinearSolver linearSolver, ImplicitOptions options, Tensor[] theta) {
    Tensor[] concrete = Arrays.stream(theta).map(Tensor::concrete).toArray(Tensor[]::new);
    SolverResult r = iterate.apply(concrete);
    Tensor xStar = r.solution().concrete();
    ActiveSetReduction.Face face = reduction.face(solver, xStar, Theta.split(solver, concrete, operatorCount, operatorName).operator());
    int[] free = face.free();
    int[] shape = xStar.shape();
    MultiInputFunction scatter = scatter(free, shape);
    Optimality gradient = Stationarity.of(f);
    Optimality reduced = (xS, th) -> {
      Theta split = Theta.split(solver, th, operatorCount, operatorName);
      Tensor x = scatter.apply(xS).add(face.fixed(split.operator()));
      return gradient.apply(x, split.objective()).reshape(-1).take(free, 0).add(face.freeTerm(split.operator()));
    };
    Tensor[] thetaG = Theta.split(solver, theta, operatorCount, operatorName).operator();
    if (free.length == 0) return new SolverResult(face.fixed(thetaG), r.iterations(), r.error(), r.converged());
    Tensor xSStar = xStar.reshape(-1).take(free, 0);
    LinearSolver ls = linearSolver != null ? linearSolver : LinearSolvers.cg();
    ImplicitOptions opts = (options != null ? options : ImplicitOptions.defaults()).withSymmetric(true);
    Tensor xS = Implicit.customRoot(reduced, th -> xSStar, ls, opts).apply(theta);
    return new SolverResult(scatter.apply(xS).add(face.fixed(thetaG)), r.iterations(), r.error(), r.converged());
  }

  /**
   * x_S ↦ the tensor of {@code shape} with x_S at the flat indices {@code free} and 0 elsewhere; its VJP
   * gathers the cotangent at {@code free} (forward mode uses the transpose, the scatter itself).
   */
  static MultiInputFunction scatter(int[] free, int[] shape) {
    int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    return AD.customVjp(in -> {
      double[] values = in[0].concrete().toDoubleArray(), full = new double[n];
      for (int k = 0; k < free.length; k++) full[free[k]] = values[k];
      return Tensor.fromArray(full, shape);
    }, (x, out, g) -> new Tensor[] {g.reshape(-1).take(free, 0)});
  }
}

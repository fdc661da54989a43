package io.github.implicitdiff.implicit;

import io.github.implicitdiff.autodiff.MultiFunction;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Implicit differentiation: makes the output of any solver differentiable from its optimality
 * condition alone. For x*(θ) with F(x*(θ), θ) = 0, the implicit function theorem gives
 * −∂₁F ∂x* = ∂₂F; JVPs solve ∂₁F u = −∂₂F v and VJPs solve (∂₁F)ᵀ w = −g, every product with ∂₁F or
 * ∂₂F a JVP or VJP of F. The solver's iterations are never recorded.
 *
 * <pre>{@code
 * // ridge regression: F(w, λ) = Xᵀ(Xw − y)/n + λw
 * Optimality F = (w, th) -> X.T().matmul(X.matmul(w).sub(y)).div(n).add(th[0].mul(w));
 * MultiInputFunction wStar = Implicit.customRoot(F, th -> anySolver(th[0]), LinearSolvers.cg());
 * Tensor dLossDLambda = AD.grad(lam -> valLoss(wStar.apply(lam)), Tensor.scalar(0.1));
 * }</pre>
 *
 * <p>The returned functions compose with everything in {@code AD}: forward and reverse mode, Jacobians,
 * Hessians through the solver (second derivatives are again implicit). F must receive every tensor it
 * depends on that is being differentiated as an argument θ; a closed-over traced tensor is detected and
 * rejected, so that no derivative term is silently lost.
 *
 * <p>Cost: each call evaluates F once, at the solver's output, for the residual check. When θ is traced (a
 * derivative of the call may follow) that evaluation is recorded ({@code AD.linearize} in x and θ), and the call's
 * first-order JVP or VJP reuses the recording for every product with ∂₁F and ∂₂F, so it evaluates F no more; the
 * recording lives as long as the call's node on the caller's tape, about the memory of one reverse-mode evaluation
 * of F per call.
 */
public final class Implicit {
  private Implicit() {}

  /**
   * {@link #customRoot(Optimality, RootSolver, LinearSolver, ImplicitOptions)} with restarted GMRES (no
   * symmetry needed) and default options.
   */
  public static MultiInputFunction customRoot(Optimality F, RootSolver solver) {
    return customRoot(F, solver, LinearSolvers.gmres(), ImplicitOptions.defaults());
  }

  /** {@link #customRoot(Optimality, RootSolver, LinearSolver, ImplicitOptions)} with default options. */
  public static MultiInputFunction customRoot(Optimality F, RootSolver solver, LinearSolver linearSolver) {
    return customRoot(F, solver, linearSolver, ImplicitOptions.defaults());
  }

  /**
   * θ... ↦ x*(θ) = solver(θ...), differentiable in every θ by the implicit function theorem applied to
   * F(x, θ) = 0. x may have any shape; F(x, θ) must have x's shape.
   *
   * @param F the optimality condition, written in tensor operations
   * @param solver any code returning the root for concrete θ (not differentiated)
   * @param linearSolver solves the linear systems with ∂₁F (CG only if ∂₁F is symmetric positive definite)
   * @param options residual check, symmetry, diagnostics listener
   */
  public static MultiInputFunction customRoot(Optimality F, RootSolver solver, LinearSolver linearSolver, ImplicitOptions options) {
    requireParts("customRoot", F, solver, linearSolver, options);
    return theta -> {
      Tensor[] sol = tupleCall("customRoot", (x, th) -> new Tensor[] {F.apply(x[0], th)}, th -> new Tensor[] {solver.solve(th)},
          linearSolver, options, theta);
      return sol[0];
    };
  }

  /** θ ↦ x*(θ) for a tuple of unknowns (for example KKT primal and dual variables). */
  public static MultiFunction customRoot(TupleOptimality F, TupleRootSolver solver, LinearSolver linearSolver) {
    return customRoot(F, solver, linearSolver, ImplicitOptions.defaults());
  }

  /** θ ↦ x*(θ) for a tuple of unknowns, with options. */
  public static MultiFunction customRoot(TupleOptimality F, TupleRootSolver solver, LinearSolver linearSolver,
      ImplicitOptions options) {
    requireParts("customRoot", F, solver, linearSolver, options);
    return theta -> tupleCall("customRoot", F, solver::solve, linearSolver, options, theta);
  }

  /**
   * θ ↦ x*(θ), the fixed point x = T(x, θ) returned by the solver, differentiable through
   * F(x, θ) = T(x, θ) − x.
   */
  public static MultiInputFunction customFixedPoint(FixedPointMap T, RootSolver solver, LinearSolver linearSolver) {
    return customFixedPoint(T, solver, linearSolver, ImplicitOptions.defaults());
  }

  /** {@link #customFixedPoint(FixedPointMap, RootSolver, LinearSolver)} with restarted GMRES. */
  public static MultiInputFunction customFixedPoint(FixedPointMap T, RootSolver solver) {
    return customFixedPoint(T, solver, LinearSolvers.gmres());
  }

  /** {@link #customFixedPoint(FixedPointMap, RootSolver, LinearSolver)} with options. */
  public static MultiInputFunction customFixedPoint(FixedPointMap T, RootSolver solver, LinearSolver linearSolver,
      ImplicitOptions options) {
    requireParts("customFixedPoint", T, solver, linearSolver, options);
    return customRoot(residual(T), solver, linearSolver, options);
  }

  /** The optimality condition F(x, θ) = T(x, θ) − x of a fixed-point map. */
  public static Optimality residual(FixedPointMap T) {
    if (T == null) throw new IllegalArgumentException("residual: T must not be null");
    return (x, theta) -> T.apply(x, theta).sub(x);
  }

  /** A solution with auxiliary solver output that is not differentiated (iterations, a report, …). */
  public record WithAux<A>(Tensor x, A aux) {}

  /** A solver that also returns auxiliary output. */
  @FunctionalInterface
  public interface RootSolverWithAux<A> {
    WithAux<A> solve(Tensor... theta);
  }

  /** A differentiable solution map that also returns the solver's auxiliary output. */
  @FunctionalInterface
  public interface ImplicitFunctionWithAux<A> {
    WithAux<A> apply(Tensor... theta);
  }

  /** Like {@link #customRoot(Optimality, RootSolver, LinearSolver, ImplicitOptions)}, passing the solver's aux through. */
  public static <A> ImplicitFunctionWithAux<A> customRootWithAux(Optimality F, RootSolverWithAux<A> solver,
      LinearSolver linearSolver, ImplicitOptions options) {
    requireParts("customRootWithAux", F, solver, linearSolver, options);
    return theta -> {
      @SuppressWarnings("unchecked")
      A[] aux = (A[]) new Object[1];
      Tensor[] sol = tupleCall("customRoot", (x, th) -> new Tensor[] {F.apply(x[0], th)}, th -> {
        WithAux<A> r = solver.solve(th);
        aux[0] = r.aux();
        return new Tensor[] {r.x()};
      }, linearSolver, options, theta);
      return new WithAux<>(sol[0], aux[0]);
    };
  }

  // ---------------------------------------------------------------- standalone JVP / VJP

  /**
   * The implicit JVP ∂x*(θ)·v at a known root x*: solves ∂₁F u = −∂₂F v. θ and v have one tangent per θ.
   */
  public static Tensor rootJvp(Optimality F, Tensor xStar, Tensor[] theta, Tensor[] v, LinearSolver linearSolver,
      ImplicitOptions options) {
    Tensor x0 = requireStandalone("rootJvp", F, xStar, theta, linearSolver, options);
    if (v == null) throw new IllegalArgumentException("rootJvp: the tangents v must not be null");
    if (theta.length != v.length) throw new IllegalArgumentException("rootJvp: " + theta.length + " θ but " + v.length + " tangents");
    MultiInputFunction f = customRoot(F, th -> x0, linearSolver, options);
    return io.github.implicitdiff.autodiff.AD.jvp(th -> new Tensor[] {f.apply(th)}, theta, v).outTangent();
  }

  /** The implicit VJP gᵀ∂x*(θ) at a known root x*: solves (∂₁F)ᵀ w = −g and returns (∂₂F)ᵀ w, one per θ. */
  public static Tensor[] rootVjp(Optimality F, Tensor xStar, Tensor[] theta, Tensor g, LinearSolver linearSolver,
      ImplicitOptions options) {
    Tensor x0 = requireStandalone("rootVjp", F, xStar, theta, linearSolver, options);
    if (g == null) throw new IllegalArgumentException("rootVjp: the cotangent g must not be null");
    MultiInputFunction f = customRoot(F, th -> x0, linearSolver, options);
    return io.github.implicitdiff.autodiff.AD.vjp(th -> new Tensor[] {f.apply(th)}, theta).pullback().apply(g);
  }

  // ---------------------------------------------------------------- checks (O(1) but for one scan of x*)

  private static void requireParts(String name, Object F, Object solver, LinearSolver linearSolver, ImplicitOptions options) {
    requireParts(name, F, "solver", solver, linearSolver, options);
  }

  private static void requireParts(String name, Object F, String solverName, Object solver, LinearSolver linearSolver,
      ImplicitOptions options) {
    if (F == null) throw new IllegalArgumentException(name + ": the optimality function must not be null");
    if (solver == null) throw new IllegalArgumentException(name + ": " + solverName + " must not be null");
    if (linearSolver == null) throw new IllegalArgumentException(name + ": linearSolver must not be null");
    if (options == null) throw new IllegalArgumentException(name + ": options must not be null (use ImplicitOptions.defaults())");
  }

  /** The checks of rootJvp and rootVjp; returns x* (concrete). */
  private static Tensor requireStandalone(String name, Optimality F, Tensor xStar, Tensor[] theta, LinearSolver linearSolver,
      ImplicitOptions options) {
    requireParts(name, F, "xStar", xStar, linearSolver, options);
    if (theta == null) throw new IllegalArgumentException(name + ": θ must not be null (pass an empty array for none)");
    return xStar.concrete().requireFinite(name + ": xStar must be finite");
  }

  private static void requireTheta(String name, Tensor[] theta) {
    if (theta == null) throw new IllegalArgumentException(name + ": θ must not be null (pass no arguments for none)");
    for (int i = 0; i < theta.length; i++)
      if (theta[i] == null) throw new IllegalArgumentException(name + ": θ[" + i + "] is null");
  }

  // ---------------------------------------------------------------- the one mechanism

  /**
   * Flattens a tuple of unknowns into one vector, applies a {@link RootPrimitive} to θ, and splits the
   * result back. The unknowns' shapes are learned from the solver's output.
   */
  private static Tensor[] tupleCall(String name, TupleOptimality residual, Function<Tensor[], Tensor[]> solver,
      LinearSolver linearSolver, ImplicitOptions options, Tensor[] theta) {
    requireTheta(name, theta);
    int[][][] shapes = new int[1][][];
    Function<Tensor[], Tensor> flatSolver = th -> {
      Tensor[] x = solver.apply(th);
      if (x == null || x.length == 0) throw new IllegalArgumentException(name + ": the solver returned no unknowns");
      shapes[0] = Arrays.stream(x).map(Tensor::shape).toArray(int[][]::new);
      return flatten(x);
    };
    // F sees the θ handed to the primitive (primals or tracers of inner levels), never the caller's θ.
    Optimality F = (xf, th) -> {
      Tensor[] x = split(xf, shapes[0]);
      Tensor[] r = residual.apply(x, th);
      if (r.length != x.length)
        throw new ShapeException(name + ": F returned " + r.length + " residuals for " + x.length + " unknowns");
      for (int i = 0; i < r.length; i++)
        if (!Arrays.equals(r[i].shape(), x[i].shape()))
          throw new ShapeException(name + ": residual " + i + " has shape " + r[i].shapeString() + " but unknown " + i
              + " (as the solver returned it) has shape " + x[i].shapeString() + "; F(x, θ) must have x's shape: check the"
              + " solver's output shape and F's");
      return flatten(r);
    };
    boolean traced = Arrays.stream(theta).anyMatch(Tensor::isTraced);
    RootPrimitive p = new RootPrimitive(name, F, flatSolver, linearSolver, options, ImplicitDiagnostics.Stage.SOLVE, traced);
    Tensor flat = Tensor.apply(p, theta);
    return split(flat, shapes[0]);
  }

  static Tensor flatten(Tensor[] parts) {
    if (parts.length == 1) return parts[0].reshape(-1);
    Tensor[] flat = new Tensor[parts.length];
    for (int i = 0; i < parts.length; i++) flat[i] = parts[i].reshape(-1);
    return Tensor.concat(0, flat);
  }

  static Tensor[] split(Tensor flat, int[][] shapes) {
    Tensor[] r = new Tensor[shapes.length];
    int at = 0;
    for (int i = 0; i < shapes.length; i++) {
      int size = Tensor.zeros(shapes[i]).size();
      r[i] = shapes.length == 1 ? flat.reshape(shapes[i]) : flat.slice(0, at, at + size).reshape(shapes[i]);
      at += size;
    }
    if (at != flat.size()) throw new ShapeException("split: " + flat.size() + " values for shapes totalling " + at);
    return r;
  }
}

package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.tensor.Tensor;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An iterative optimization solver configured by immutable withers: each {@code withX} returns a new
 * solver and leaves this one unchanged. Every solver knows the optimality condition F(x, θ) = 0 of the
 * problem it solves ({@link #optimality()}), so that its solution is differentiable in θ by the implicit
 * function theorem (the default, {@link Differentiation#IMPLICIT}) or through its recorded iterations
 * ({@link Differentiation#UNROLLED}).
 *
 * <p>Stopping criterion of the minimizers (gradient, proximal, projected, mirror and block coordinate descent,
 * Newton, L-BFGS, nonlinear CG): {@code error} = rms(F(x, θ)) / max(1, rms(x)) at the returned x, rms being
 * the root mean square over the elements, and the solver has converged when error ≤ tol (default 1e-8).
 * This is the quantity the implicit layer checks (against 1e-6 by default), so a converged solution always
 * passes that check. The root finders, fixed-point, least-squares and box-QP solvers state their own
 * stopping quantity (a step length, a bracket width, a relative gradient) and defaults in their Javadoc.
 *
 * <pre>{@code
 * GradientDescent gd = GradientDescent.of(f).withTol(1e-10).withMaxIterations(5000)
 *     .withDifferentiation(Differentiation.UNROLLED);
 * Tensor x = gd.run(init, lambda).orThrow();
 * }</pre>
 *
 * @param <S> the concrete solver type, returned by the withers
 */
public abstract class Optimizer<S extends Optimizer<S>> {
  /** Default tolerance on rms(F(x, θ)) / max(1, rms(x)): 1e-8. */
  public static final double DEFAULT_TOL = 1e-8;

  final OptimizerSettings settings;

  Optimizer(OptimizerSettings settings) {
    this.settings = settings;
  }

  /** The same solver with other settings. */
  abstract S with(OptimizerSettings settings);

  /** The solver's name, used in messages (e.g. "GradientDescent"). */
  public abstract String name();

  /**
   * What to try when this solver does not converge, for {@link SolverResult#orThrow()}'s message (a sentence
   * fragment). The default suits a method whose only knobs are the budget and the tolerance; a solver with
   * other remedies (a step size, a damped alternative) overrides it.
   */
  String remedies() {
    return "raise maxIterations (if the error was still falling), or loosen tol (if it had stalled above it)";
  }

  /** r attributed to this solver: its name, tolerance, budget and {@link #remedies()} (see {@link SolverResult.Source}). */
  final SolverResult attributed(SolverResult r) {
    return r.withSource(new SolverResult.Source(name(), tol(), maxIterations(), remedies()));
  }

  /**
   * Solves the problem from {@code init} for parameters θ. The result's solution is differentiable in
   * every θ (see each solver for how θ is split between the objective and the other operators).
   */
  public abstract SolverResult run(Tensor init, Tensor... theta);

  /** The optimality condition F(x, θ) = 0 whose root {@link #run} finds; F(x, θ) has x's shape. */
  public abstract Optimality optimality();

  /**
   * Whether ∂₁F is symmetric (F is a gradient), which makes CG the default linear solver; false (GMRES) unless
   * a solver says otherwise.
   */
  boolean symmetricOptimality() {
    return false;
  }

  // ------------------------------------------------------------------------------------ accessors

  public int maxIterations() {
    return settings.maxIterations();
  }

  public double tol() {
    return settings.tol();
  }

  public Differentiation differentiation() {
    return settings.differentiation();
  }

  /**
   * The linear solver of the implicit system: the one set by {@link #withLinearSolver}, else CG when
   * ∂₁F is symmetric (stationarity of a smooth objective) and GMRES otherwise (fixed-point residuals).
   */
  public LinearSolver linearSolver() {
    if (settings.linearSolver() != null) return settings.linearSolver();
    return symmetricOptimality() ? LinearSolvers.cg() : LinearSolvers.gmres();
  }

  /** The implicit layer's options: those set by {@link #withImplicitOptions}, else the defaults with the symmetry of ∂₁F. */
  public ImplicitOptions implicitOptions() {
    if (settings.implicitOptions() != null) return settings.implicitOptions();
    return ImplicitOptions.defaults().withSymmetric(symmetricOptimality());
  }

  // ------------------------------------------------------------------------------------ withers

  /** Iteration budget; must be at least 1. */
  public S withMaxIterations(int maxIterations) {
    if (maxIterations < 1)
      throw new IllegalArgumentException(name() + ": maxIterations must be at least 1, got " + maxIterations);
    return with(settings.withMaxIterations(maxIterations));
  }

  /** Tolerance on rms(F(x, θ)) / max(1, rms(x)); must be positive and finite (default 1e-8). */
  public S withTol(double tol) {
    if (!(tol > 0) || !Double.isFinite(tol))
      throw new IllegalArgumentException(name() + ": tol must be a positive finite number, got " + tol);
    return with(settings.withTol(tol));
  }

  /** Implicit (default) or unrolled differentiation of the solution. */
  public S withDifferentiation(Differentiation differentiation) {
    if (differentiation == null) throw new IllegalArgumentException(name() + ": differentiation must not be null");
    return with(settings.withDifferentiation(differentiation));
  }

  /** The linear solver of the implicit system (default: CG for stationarity, GMRES for fixed-point residuals). */
  public S withLinearSolver(LinearSolver linearSolver) {
    if (linearSolver == null) throw new IllegalArgumentException(name() + ": linearSolver must not be null");
    return with(settings.withLinearSolver(linearSolver));
  }

  /** The implicit layer's options (residual check, policy, listener). */
  public S withImplicitOptions(ImplicitOptions options) {
    if (options == null) throw new IllegalArgumentException(name() + ": implicit options must not be null");
    return with(settings.withImplicitOptions(options));
  }

  /** How UNROLLED reverse mode records the iterations (default {@link Checkpointing#none()}); see {@link Checkpointing}. */
  public Checkpointing checkpointing() {
    return settings.checkpointing();
  }

  /**
   * The public {@code withCheckpointing} of the solvers whose loop runs through {@link SegmentedLoop}: UNROLLED
   * reverse mode records their iterations in checkpointed segments; nothing else changes.
   */
  final S checkpointedBy(Checkpointing value) {
    if (value == null) throw new IllegalArgumentException(name() + ": checkpointing must not be null (Checkpointing.none() turns it off)");
    return with(settings.withCheckpointing(value));
  }

  // ------------------------------------------------------------------------------------ running

  /** Checks init and θ before a run (default: non-null and finite, {@link Guards#requireInputs}). */
  void requireInputs(Tensor init, Tensor[] theta) {
    Guards.requireInputs(name(), init, theta);
  }

  /**
   * Validates the inputs and runs {@code loop(x0, θ)} under the differentiation switch. Under IMPLICIT the
   * initial point is used by value (x* does not depend on it).
   */
  final SolverResult solve(Tensor init, Tensor[] theta, BiFunction<Tensor, Tensor[], SolverResult> loop) {
    Iterations.Backward fixed = new Iterations.Backward(optimality(), linearSolver());
    return solve(init, theta, loop, r -> fixed);
  }

  /**
   * Like {@link #solve(Tensor, Tensor[], BiFunction)}, with the implicit layer's optimality condition and
   * linear solver built from the concrete result (see {@link Iterations#run(Differentiation, Function, Function,
   * ImplicitOptions, Tensor[])}).
   */
  final SolverResult solve(Tensor init, Tensor[] theta, BiFunction<Tensor, Tensor[], SolverResult> loop,
      Function<SolverResult, Iterations.Backward> backward) {
    requireInputs(init, theta);
    Tensor x0 = differentiation() == Differentiation.IMPLICIT ? init.concrete() : init;
    return attributed(Iterations.run(differentiation(), th -> loop.apply(x0, th), backward, implicitOptions(), theta));
  }
}

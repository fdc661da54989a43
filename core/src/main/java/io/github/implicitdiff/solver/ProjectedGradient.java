package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Projected gradient for min_{x ∈ C(θ_C)} f(x, θ_f), C a convex set with a Euclidean projection.
 *
 * <p>One iteration: x_{k+1} = proj_{C(θ_C)}(y_k − η∇₁f(y_k, θ_f)), with y_k = x_k or the accelerated
 * (FISTA) extrapolation. η is fixed or found by backtracking on
 * f(z) ≤ f(y) + ⟨∇f(y), z − y⟩ + ‖z − y‖²/(2η) ({@link StepSize}).
 * Optimality condition: F(x, θ) = proj_{C(θ_C)}(x − η₀∇₁f(x, θ_f)) − x, η₀ = {@code stepSize().reference()};
 * GMRES solves the implicit system by default.
 * Stopping criterion: error = rms(F(x, θ)) / max(1, rms(x)) ≤ tol at the returned x.
 *
 * <p>θ convention: {@code run(init, θ_f..., θ_C...)}: the last {@code projectionParameterCount} tensors are
 * the set's parameters θ_C (a radius, bounds, a simplex size), the others go to the objective.
 *
 * <pre>{@code
 * // min ½‖x − c‖² over the simplex of size s, differentiable in c and s
 * Objective f = (x, th) -> x.sub(th[0]).square().sum().mul(0.5);
 * ProjectedGradient pg = ProjectedGradient.of(f, Projection.simplex(), 1);
 * Tensor x = pg.run(Tensor.full(1.0 / 3, 3), c, Tensor.scalar(1)).orThrow();   // θ_f = (c), θ_C = (s)
 * }</pre>
 */
public final class ProjectedGradient extends Optimizer<ProjectedGradient> {
  private final Objective f;
  private final Projection projection;
  private final int projectionParameterCount;
  private final StepSize stepSize;
  private final boolean accelerated;
  private final ActiveSetReduction activeSet;

  private ProjectedGradient(OptimizerSettings settings, Objective f, Projection projection, int projectionParameterCount,
      StepSize stepSize, boolean accelerated, ActiveSetReduction activeSet) {
    super(settings);
    this.activeSet = activeSet;
    this.f = f;
    this.projection = projection;
    this.projectionParameterCount = projectionParameterCount;
    this.stepSize = stepSize;
    this.accelerated = accelerated;
  }

  /**
   * Projected gradient with backtracking from η = 1, no acceleration, at most 10 000 iterations.
   *
   * @param projectionParameterCount how many trailing θ tensors are the set's parameters
   */
  public static ProjectedGradient of(Objective f, Projection projection, int projectionParameterCount) {
    if (f == null || projection == null)
      throw new IllegalArgumentException("ProjectedGradient: objective and projection must not be null");
    Theta.requireCount("ProjectedGradient", projectionParameterCount, "projection");
    return new ProjectedGradient(OptimizerSettings.defaults(10_000), f, projection, projectionParameterCount,
        StepSize.backtracking(), false, null);
  }

  @Override
  ProjectedGradient with(OptimizerSettings s) {
    return new ProjectedGradient(s, f, projection, projectionParameterCount, stepSize, accelerated, activeSet);
  }

  /** The step size rule (default {@link StepSize#backtracking()}). */
  public ProjectedGradient withStepSize(StepSize value) {
    if (value == null) throw new IllegalArgumentException("ProjectedGradient: stepSize must not be null");
    return new ProjectedGradient(settings, f, projection, projectionParameterCount, value, accelerated, activeSet);
  }

  /**
   * Detects degenerate solutions with {@code test} (matching this solver's operator; default none): the
   * result's {@link SolverResult#degeneracy()} lists the coordinates at a kink of the operator at
   * x* − η₀∇f(x*), and under IMPLICIT differentiation the derivative there follows the test's convention
   * (the coordinate held on the non-smooth side of its kink, see {@link DegeneracyCheck}). UNROLLED
   * differentiation reports the degeneracy but differentiates the iterations as they ran.
   */
  public ProjectedGradient withDegeneracyCheck(DegeneracyCheck test) {
    if (test == null) throw new IllegalArgumentException(name() + ": degeneracy test must not be null");
    return with(settings.withDegeneracyCheck(test));
  }

  /** FISTA acceleration with adaptive restart (default off). */
  public ProjectedGradient withAcceleration(boolean value) {
    return new ProjectedGradient(settings, f, projection, projectionParameterCount, stepSize, value, activeSet);
  }

  /**
   * Differentiates through the active-set-reduced condition of {@code value} (for example
   * {@link ActiveSetReduction#box()}): an |S|×|S| symmetric system on the free coordinates, solved
   * by CG, instead of the full fixed-point system; null (the default) turns it off. IMPLICIT mode only.
   */
  public ProjectedGradient withActiveSetReduction(ActiveSetReduction value) {
    return new ProjectedGradient(settings, f, projection, projectionParameterCount, stepSize, accelerated, value);
  }

  /** The active-set reduction of the implicit system, or null when the full system is used. */
  public ActiveSetReduction activeSetReduction() {
    return activeSet;
  }

  public StepSize stepSize() {
    return stepSize;
  }

  public boolean accelerated() {
    return accelerated;
  }

  public int projectionParameterCount() {
    return projectionParameterCount;
  }

  @Override
  public String name() {
    return "ProjectedGradient";
  }

  @Override
  boolean symmetricOptimality() {
    return false;
  }

  private Geometry geometry() {
    return Geometry.euclidean((v, eta, params) -> projection.apply(v, params));
  }

  /** F(x, θ) = proj_{C(θ_C)}(x − η₀∇₁f(x, θ_f)) − x. */
  @Override
  public Optimality optimality() {
    return ProximalGradient.proximalResidual(name(), f, geometry(), stepSize.reference(), projectionParameterCount,
        "projection");
  }

  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    Theta.split(name(), theta, projectionParameterCount, "projection");
    FirstOrderLoop loop = new FirstOrderLoop(name(), f, geometry(), stepSize, accelerated, maxIterations(), tol(), 1);
    DegeneracyCheck test = settings.degeneracyCheck();
    if (activeSet != null && differentiation() == Differentiation.IMPLICIT && java.util.Arrays.stream(theta).anyMatch(Tensor::isTraced)) {
      Guards.requireInputs(name(), init, theta);
      Tensor x0 = init.concrete();
      return ActiveSetSolve.run(name(), activeSet, f, projectionParameterCount, "projection", th -> {
        Theta split = Theta.split(name(), th, projectionParameterCount, "projection");
        return KinkConvention.inspect(loop.run(x0, split.objective(), split.operator()), test, f, stepSize.reference(), split);
      }, settings.linearSolver(), settings.implicitOptions(), theta);
    }
    return solve(init, theta, (x0, th) -> {
      Theta split = Theta.split(name(), th, projectionParameterCount, "projection");
      return KinkConvention.inspect(loop.run(x0, split.objective(), split.operator()), test, f, stepSize.reference(), split);
    }, r -> new Iterations.Backward(!r.degenerate() ? optimality()
        : ProximalGradient.proximalResidual(name(), f, Geometry.euclidean(KinkConvention.settled((v, eta, params) -> projection.apply(v, params), test, r.degeneracy())),
            stepSize.reference(), projectionParameterCount, "projection"), linearSolver()));
  }
}

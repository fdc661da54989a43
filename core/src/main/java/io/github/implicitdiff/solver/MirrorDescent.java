package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Mirror descent with the entropic (KL) geometry for min f(x, θ) over the probability simplex, or over a
 * product of simplices: each row along the last axis of x is a probability vector (x a vector, or a
 * matrix with one distribution per row).
 *
 * <p>One iteration (exponentiated gradient): x_{k+1} = softmax(log x_k − η∇₁f(x_k, θ)) along the last
 * axis. η is fixed or found by backtracking on f(z) ≤ f(x) + ⟨∇f(x), z − x⟩ + KL(z‖x)/η ({@link StepSize}).
 * Optimality condition (by default): the Euclidean projected-gradient fixed point
 * F(x, θ) = s · (P_Δ(x − η₀∇₁f(x, θ)) − x), row by row, η₀ = {@code stepSize().reference()}, s = max(1, 1/η₀) (so
 * that a small fixed step does not shrink the stopping quantity), the same condition as {@link ProjectedGradient} on
 * the simplex; or, {@link #withProjectedGradientCondition withProjectedGradientCondition(false)}, mirror descent's
 * own F(x, θ) = s · (softmax(log x − η₀∇₁f(x, θ)) − x). GMRES solves the implicit system by default.
 * Stopping criterion: error = rms(F(x, θ)) / max(1, rms(x)) ≤ tol at the returned x, F the condition the solution
 * is differentiated through. Mirror descent only approaches a solution on the boundary (its zero coordinates
 * shrink geometrically, by e^{−η·gap} per step); the projected-gradient residual counts such a coordinate fully
 * until it is below η₀·tol, which is what makes the derivative right there and costs iterations (see the wither).
 *
 * <p>θ convention: every θ goes to the objective, f(x, θ...). The initial point must be positive; each
 * row is normalised by the first step.
 *
 * <pre>{@code
 * // entropy-regularised linear objective: min ⟨c, x⟩ + τ Σ x log x over the simplex
 * Objective f = (x, th) -> th[0].mul(x).sum().add(x.mul(x.log()).sum().mul(0.5));
 * Tensor x = MirrorDescent.of(f).run(Tensor.full(0.25, 4), c).orThrow();   // softmax(−c/τ)
 * }</pre>
 */
public final class MirrorDescent extends Optimizer<MirrorDescent> {
  private static final Tensor[] UNIT_SIZE = {Tensor.scalar(1)};
  private final Objective f;
  private final StepSize stepSize;
  private final boolean projectedGradientCondition;

  private MirrorDescent(OptimizerSettings settings, Objective f, StepSize stepSize, boolean projectedGradientCondition) {
    super(settings);
    this.f = f;
    this.stepSize = stepSize;
    this.projectedGradientCondition = projectedGradientCondition;
  }

  /**
   * Mirror descent with backtracking from η = 1, at most 10 000 iterations, stopped on and differentiated through
   * the projected-gradient condition.
   */
  public static MirrorDescent of(Objective f) {
    if (f == null) throw new IllegalArgumentException("MirrorDescent: the objective must not be null");
    return new MirrorDescent(OptimizerSettings.defaults(10_000), f, StepSize.backtracking(), true);
  }

  @Override
  MirrorDescent with(OptimizerSettings s) {
    return new MirrorDescent(s, f, stepSize, projectedGradientCondition);
  }

  /** The step size rule (default {@link StepSize#backtracking()}). */
  public MirrorDescent withStepSize(StepSize value) {
    if (value == null) throw new IllegalArgumentException("MirrorDescent: stepSize must not be null");
    return new MirrorDescent(settings, f, value, projectedGradientCondition);
  }

  /**
   * Stop on, and differentiate through, the Euclidean projected-gradient condition F(x, θ) = s · (P_Δ(x − η₀∇₁f(x, θ)) − x)
   * (row by row, s = max(1, 1/η₀), as {@link ProjectedGradient} with {@link Projection#simplex()}; default true), or
   * (false) mirror descent's own s · (softmax(log x − η₀∇₁f(x, θ)) − x). Both have the same roots, the KKT points on
   * the simplex, and agree to the tolerance at interior solutions. At a solution on the boundary mirror descent's own
   * condition is ill-conditioned (at a zero coordinate its Jacobian's diagonal is 1 − e^{−η₀·gap}, gap the gradient's
   * distance above the row's multiplier) and amplifies the iterate's error, while the projection's Jacobian zeroes
   * such a coordinate. Measured on multiclass SVM duals (60 × 3, Gaussian data, fixed step λ/max|XXᵀ|, tol 1e-7,
   * three seeds; ∂β/∂λ against central differences of projected-gradient solves to 1e-13):
   * <pre>
   *   λ       own condition: error, iterations     projected gradient: error, iterations
   *   0.03    4.0e-4    22 230                     4.4e-7    34 081
   *   0.1     1.6e-1    25 237                     6.7e-8   196 226
   *   1       8.4e-3     1 408                     1.1e-6     2 729
   *   3       2.1e-1     1 473                     8.9e-7    13 904
   * </pre>
   * The iterations are the price: the projected-gradient residual at a mirror-descent iterate is about its own
   * divided by the smallest positive coordinate, and a coordinate on its way to zero counts until it is below
   * η₀·tol. On the simplex projection's own problem (f = ½‖x − θ‖², exact Jacobian I − 11ᵀ/|S| on the support S)
   * both conditions' derivatives are within 1.4e-4 (own) and 1e-15 (projected gradient) of it, at 1.2–1.3× the
   * iterations for the latter. Turn it off only for interior solutions, where the own condition is as accurate and
   * cheaper to meet.
   */
  public MirrorDescent withProjectedGradientCondition(boolean value) {
    return new MirrorDescent(settings, f, stepSize, value);
  }

  public boolean projectedGradientCondition() {
    return projectedGradientCondition;
  }

  public StepSize stepSize() {
    return stepSize;
  }

  /**
   * Under {@link Differentiation#UNROLLED} reverse mode, records the iterations in checkpointed segments
   * (default {@link Checkpointing#none()}): O(K/k + k) iteration records instead of O(K) for one more forward pass,
   * with the same solution, iteration count and derivatives (see {@link Checkpointing}).
   *
   * <pre>{@code
   * MirrorDescent md = MirrorDescent.of(f).withDifferentiation(Differentiation.UNROLLED)
   *     .withCheckpointing(Checkpointing.every(20));
   * }</pre>
   */
  public MirrorDescent withCheckpointing(Checkpointing value) {
    return checkpointedBy(value);
  }

  @Override
  public String name() {
    return "MirrorDescent";
  }

  @Override
  String remedies() {
    return FirstOrderLoop.remedies(stepSize, false, false);
  }

  /**
   * F(x, θ) = s · (P_Δ(x − η₀∇₁f(x, θ)) − x) along the last axis, s = max(1, 1/η₀) (the default); or, with {@link
   * #withProjectedGradientCondition withProjectedGradientCondition(false)}, s · (softmax(log x − η₀∇₁f(x, θ)) − x).
   */
  @Override
  public Optimality optimality() {
    return ProximalMethod.proximalResidual(name(), f, conditionGeometry(), stepSize.reference(), 0, "simplex");
  }

  /** The geometry of the optimality condition: Euclidean projection onto the simplex, or mirror descent's own. */
  private Geometry conditionGeometry() {
    return projectedGradientCondition ? Geometry.euclidean((v, eta, params) -> Projection.simplex().apply(v, UNIT_SIZE))
        : Geometry.entropic();
  }

  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    if (init != null && init.ndim() == 0)
      throw new IllegalArgumentException("MirrorDescent: init must be a vector or a matrix of row distributions, got a scalar");
    if (init != null && init.size() == 0)
      throw new IllegalArgumentException("MirrorDescent: init of shape " + init.shapeString() + " is empty; a distribution"
          + " needs at least one element");
    if (init != null && init.allFinite() && !(init.concrete().min().item() > 0))
      throw new IllegalArgumentException("MirrorDescent: init must be strictly positive (the KL geometry needs log x),"
          + " got a minimum of " + init.concrete().min().item() + "; start from the uniform distribution");
    FirstOrderLoop steps = new FirstOrderLoop(name(), f, Geometry.entropic(), stepSize, false, maxIterations(), tol(),
        ProximalMethod.residualScale(stepSize.reference()), checkpointing());
    FirstOrderLoop loop = projectedGradientCondition ? steps.withCondition(conditionGeometry()) : steps;
    return solve(init, theta, (x0, th) -> loop.run(x0, th, new Tensor[0]));
  }
}

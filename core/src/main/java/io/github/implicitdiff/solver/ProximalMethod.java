package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * What {@link ProximalGradient} and {@link ProjectedGradient} share: min_x f(x, θ_f) + g(x, θ_g) by the steps
 * x_{k+1} = op_η(y_k − η∇₁f(y_k, θ_f); θ_g), op a proximal operator or a projection (the prox of an
 * indicator), with the optimality condition F(x, θ) = s · (op_{η₀}(x − η₀∇₁f(x, θ_f); θ_g) − x), s = max(1, 1/η₀).
 * Holds the settings,
 * their withers and the run; a subclass names itself and its operator.
 *
 * @param <S> the concrete solver, returned by the withers
 */
abstract class ProximalMethod<S extends ProximalMethod<S>> extends Optimizer<S> {
  final Objective f;
  private final Geometry.ProxMap operator;
  /** How many trailing θ tensors are the operator's parameters θ_g. */
  final int operatorParameterCount;
  /** What the operator is called in messages ("prox", "projection"). */
  private final String operatorKind;
  private final StepSize stepSize;
  private final boolean accelerated;
  private final ActiveSetReduction activeSet;

  ProximalMethod(OptimizerSettings settings, Objective f, Geometry.ProxMap operator, int operatorParameterCount,
      String operatorKind, StepSize stepSize, boolean accelerated, ActiveSetReduction activeSet) {
    super(settings);
    this.f = f;
    this.operator = operator;
    this.operatorParameterCount = operatorParameterCount;
    this.operatorKind = operatorKind;
    this.stepSize = stepSize;
    this.accelerated = accelerated;
    this.activeSet = activeSet;
  }

  /** This solver with other settings, step size, acceleration or active-set reduction. */
  abstract S copy(OptimizerSettings settings, StepSize stepSize, boolean accelerated, ActiveSetReduction activeSet);

  @Override
  final S with(OptimizerSettings s) {
    return copy(s, stepSize, accelerated, activeSet);
  }

  /** The step size rule (default {@link StepSize#backtracking()}); its reference step enters {@link #optimality()}. */
  public S withStepSize(StepSize value) {
    if (value == null) throw new IllegalArgumentException(name() + ": stepSize must not be null");
    return copy(settings, value, accelerated, activeSet);
  }

  /**
   * Detects degenerate solutions with {@code test} (matching this solver's operator; default none): the
   * result's {@link SolverResult#degeneracy()} lists the coordinates at a kink of the operator at
   * x* − η₀∇f(x*), and under IMPLICIT differentiation the derivative there follows the test's convention
   * (the coordinate held on the non-smooth side of its kink, see {@link DegeneracyCheck}). UNROLLED
   * differentiation reports the degeneracy but differentiates the iterations as they ran.
   */
  public S withDegeneracyCheck(DegeneracyCheck test) {
    if (test == null) throw new IllegalArgumentException(name() + ": degeneracy test must not be null");
    return with(settings.withDegeneracyCheck(test));
  }

  /** FISTA acceleration with adaptive restart (default off). */
  public S withAcceleration(boolean value) {
    return copy(settings, stepSize, value, activeSet);
  }

  /**
   * Differentiates through the active-set-reduced condition of {@code value} (for example
   * {@link ActiveSetReduction#lasso()} for the lasso prox, {@link ActiveSetReduction#box()} for the box
   * projection): an |S|×|S| symmetric system on the free coordinates, solved by CG, instead of the full
   * fixed-point system; null (the default) turns it off. IMPLICIT mode only.
   */
  public S withActiveSetReduction(ActiveSetReduction value) {
    return copy(settings, stepSize, accelerated, value);
  }

  /**
   * Under {@link Differentiation#UNROLLED} reverse mode, records the iterations in checkpointed segments
   * (default {@link Checkpointing#none()}): O(K/k + k) iteration records instead of O(K) for one more forward pass,
   * with the same solution, iteration count and derivatives (see {@link Checkpointing}).
   *
   * <pre>{@code
   * ProximalGradient pg = ProximalGradient.of(f, ProximalOperator.lasso(), 1).withAcceleration(true)
   *     .withDifferentiation(Differentiation.UNROLLED).withCheckpointing(Checkpointing.every(20));
   * }</pre>
   */
  public S withCheckpointing(Checkpointing value) {
    return checkpointedBy(value);
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

  @Override
  String remedies() {
    return FirstOrderLoop.remedies(stepSize, accelerated, true);
  }

  /** F(x, θ) = s · (op_{η₀}(x − η₀∇₁f(x, θ_f); θ_g) − x), s = max(1, 1/η₀). */
  @Override
  public Optimality optimality() {
    return proximalResidual(name(), f, Geometry.euclidean(operator), stepSize.reference(), operatorParameterCount,
        operatorKind);
  }

  /**
   * The residual s(η₀) · (T_{η₀}(x; ∇₁f(x, θ_f)) − x) of a first-order step, θ = (θ_f..., θ_g...), scaled by
   * {@link #residualScale}: the larger of the fixed-point residual and the gradient mapping, so that neither a
   * small fixed step (T − x shrinks with η₀: a solver would meet its tolerance far from the solution) nor a large
   * one (the gradient mapping shrinks as 1/η₀) loosens the stopping test.
   */
  static Optimality proximalResidual(String solver, Objective f, Geometry geometry, double eta0, int count, String operator) {
    Optimality gradient = Stationarity.of(f);
    Optimality residual = Implicit.residual((x, theta) -> {
      Theta split = Theta.split(solver, theta, count, operator);
      return geometry.step(x, gradient.apply(x, split.objective()), eta0, split.operator());
    });
    double scale = residualScale(eta0);
    return scale == 1 ? residual : (x, theta) -> residual.apply(x, theta).mul(scale);
  }

  /** max(1, 1/η₀): the optimality condition of a first-order step is s · (T_{η₀}(x) − x). */
  static double residualScale(double eta0) {
    return Math.max(1, 1 / eta0);
  }

  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    FirstOrderLoop loop = new FirstOrderLoop(name(), f, Geometry.euclidean(operator), stepSize, accelerated,
        maxIterations(), tol(), residualScale(stepSize.reference()), checkpointing());
    return runFixedPoint(this, f, operator, stepSize.reference(), operatorParameterCount, operatorKind, activeSet,
        (x0, split) -> loop.run(x0, split.objective(), split.operator()), init, theta);
  }

  /**
   * Runs {@code loop} under {@code solver}'s differentiation switch with the implicit derivative of the
   * fixed point x = op_{η₀}(x − η₀∇₁f(x, θ_f); θ_g): the condition {@link #proximalResidual}, with the
   * degenerate coordinates held by the solver's {@link DegeneracyCheck} ({@link KinkConvention}) or, when
   * {@code activeSet} is set and θ is traced, the active-set-reduced system ({@link ActiveSetSolve}). Shared by
   * the proximal and projected methods and by {@link LBFGSB}, whose solution satisfies the same condition.
   *
   * @param loop (x0, θ split) ↦ the run's result
   */
  static SolverResult runFixedPoint(Optimizer<?> solver, Objective f, Geometry.ProxMap operator, double eta0, int count,
      String kind, ActiveSetReduction activeSet, java.util.function.BiFunction<Tensor, Theta, SolverResult> loop,
      Tensor init, Tensor[] theta) {
    String name = solver.name();
    Theta.split(name, theta, count, kind);
    DegeneracyCheck test = solver.settings.degeneracyCheck();
    java.util.function.BiFunction<Tensor, Tensor[], SolverResult> iterate = (x0, th) -> {
      Theta split = Theta.split(name, th, count, kind);
      return KinkConvention.inspect(loop.apply(x0, split), test, f, eta0, split);
    };
    if (activeSet != null && solver.differentiation() == Differentiation.IMPLICIT && Arrays.stream(theta).anyMatch(Tensor::isTraced)) {
      solver.requireInputs(init, theta);
      Tensor x0 = init.concrete();
      return solver.attributed(ActiveSetSolve.run(name, activeSet, f, count, kind, th -> iterate.apply(x0, th),
          solver.settings.linearSolver(), solver.settings.implicitOptions(), theta));
    }
    return solver.solve(init, theta, iterate, r -> new Iterations.Backward(!r.degenerate() ? solver.optimality()
        : proximalResidual(name, f, Geometry.euclidean(KinkConvention.settled(operator, test, r.degeneracy())),
            eta0, count, kind), solver.linearSolver()));
  }
}

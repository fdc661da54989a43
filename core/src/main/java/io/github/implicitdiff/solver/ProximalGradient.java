package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Proximal gradient (ISTA, or FISTA with acceleration) for min_x f(x, θ_f) + g(x, θ_g), f smooth and g
 * with a proximal operator.
 *
 * <p>One iteration: x_{k+1} = prox_{ηg(·; θ_g)}(y_k − η∇₁f(y_k, θ_f)), with y_k = x_k, or with FISTA
 * acceleration y_k = x_k + ((t_{k−1} − 1)/t_k)(x_k − x_{k−1}) (adaptively restarted). η is fixed or found
 * by backtracking on f(z) ≤ f(y) + ⟨∇f(y), z − y⟩ + ‖z − y‖²/(2η) ({@link StepSize}).
 * Optimality condition: the fixed-point residual F(x, θ) = T(x, θ) − x of
 * T(x, θ) = prox_{η₀g(·; θ_g)}(x − η₀∇₁f(x, θ_f)), η₀ = {@code stepSize().reference()} (the fixed step, or
 * the backtracking's initial step); the implicit system is solved by GMRES by default.
 * Stopping criterion: error = rms(F(x, θ)) / max(1, rms(x)) ≤ tol at the returned x.
 *
 * <p>θ convention: {@code run(init, θ_f..., θ_g...)}: the last {@code proxParameterCount} tensors are the
 * prox's hyperparameters θ_g, the others go to the objective.
 *
 * <pre>{@code
 * // lasso: ½‖Xw − y‖²/n + λ‖w‖₁, differentiable in λ
 * Objective f = (w, th) -> X.matmul(w).sub(y).square().mean().mul(0.5);
 * ProximalGradient pg = ProximalGradient.of(f, ProximalOperator.lasso(), 1).withAcceleration(true);
 * Tensor w = pg.run(Tensor.zeros(d), Tensor.scalar(0.1)).orThrow();          // θ_f = (), θ_g = (λ)
 * Tensor dw = AD.jacobian(lam -> pg.run(Tensor.zeros(d), lam).orThrow(), Tensor.scalar(0.1));
 * }</pre>
 */
public final class ProximalGradient extends Optimizer<ProximalGradient> {
  private final Objective f;
  private final ProximalOperator prox;
  private final int proxParameterCount;
  private final StepSize stepSize;
  private final boolean accelerated;
  private final ActiveSetReduction activeSet;

  private ProximalGradient(OptimizerSettings settings, Objective f, ProximalOperator prox, int proxParameterCount,
      StepSize stepSize, boolean accelerated, ActiveSetReduction activeSet) {
    super(settings);
    this.activeSet = activeSet;
    this.f = f;
    this.prox = prox;
    this.proxParameterCount = proxParameterCount;
    this.stepSize = stepSize;
    this.accelerated = accelerated;
  }

  /**
   * Proximal gradient on f + g with backtracking from η = 1, no acceleration, at most 10 000 iterations.
   *
   * @param proxParameterCount how many trailing θ tensors are g's hyperparameters
   */
  public static ProximalGradient of(Objective f, ProximalOperator prox, int proxParameterCount) {
    if (f == null || prox == null) throw new IllegalArgumentException("ProximalGradient: objective and prox must not be null");
    Theta.requireCount("ProximalGradient", proxParameterCount, "prox");
    return new ProximalGradient(OptimizerSettings.defaults(10_000), f, prox, proxParameterCount, StepSize.backtracking(), false, null);
  }

  @Override
  ProximalGradient with(OptimizerSettings s) {
    return new ProximalGradient(s, f, prox, proxParameterCount, stepSize, accelerated, activeSet);
  }

  /** The step size rule (default {@link StepSize#backtracking()}); its reference step enters {@link #optimality()}. */
  public ProximalGradient withStepSize(StepSize value) {
    if (value == null) throw new IllegalArgumentException("ProximalGradient: stepSize must not be null");
    return new ProximalGradient(settings, f, prox, proxParameterCount, value, accelerated, activeSet);
  }

  /**
   * Detects degenerate solutions with {@code test} (matching this solver's operator; default none): the
   * result's {@link SolverResult#degeneracy()} lists the coordinates at a kink of the operator at
   * x* − η₀∇f(x*), and under IMPLICIT differentiation the derivative there follows the test's convention
   * (the coordinate held on the non-smooth side of its kink, see {@link DegeneracyCheck}). UNROLLED
   * differentiation reports the degeneracy but differentiates the iterations as they ran.
   */
  public ProximalGradient withDegeneracyCheck(DegeneracyCheck test) {
    if (test == null) throw new IllegalArgumentException(name() + ": degeneracy test must not be null");
    return with(settings.withDegeneracyCheck(test));
  }

  /** FISTA acceleration with adaptive restart (default off). */
  public ProximalGradient withAcceleration(boolean value) {
    return new ProximalGradient(settings, f, prox, proxParameterCount, stepSize, value, activeSet);
  }

  /**
   * Differentiates through the active-set-reduced condition of {@code value} (for example
   * {@link ActiveSetReduction#lasso()}): an |S|×|S| symmetric system on the free coordinates, solved
   * by CG, instead of the full fixed-point system; null (the default) turns it off. IMPLICIT mode only.
   */
  public ProximalGradient withActiveSetReduction(ActiveSetReduction value) {
    return new ProximalGradient(settings, f, prox, proxParameterCount, stepSize, accelerated, value);
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

  public int proxParameterCount() {
    return proxParameterCount;
  }

  @Override
  public String name() {
    return "ProximalGradient";
  }

  @Override
  boolean symmetricOptimality() {
    return false;
  }

  private Geometry geometry() {
    return Geometry.euclidean(prox::apply);
  }

  /** F(x, θ) = prox_{η₀g(·; θ_g)}(x − η₀∇₁f(x, θ_f)) − x. */
  @Override
  public Optimality optimality() {
    return proximalResidual(name(), f, geometry(), stepSize.reference(), proxParameterCount, "prox");
  }

  /** The fixed-point residual T_{η₀}(x; ∇₁f(x, θ_f)) − x of a first-order step, θ = (θ_f..., θ_g...). */
  static Optimality proximalResidual(String solver, Objective f, Geometry geometry, double eta0, int count, String operator) {
    Optimality gradient = Stationarity.of(f);
    return Implicit.residual((x, theta) -> {
      Theta split = Theta.split(solver, theta, count, operator);
      return geometry.step(x, gradient.apply(x, split.objective()), eta0, split.operator());
    });
  }

  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    Theta.split(name(), theta, proxParameterCount, "prox");
    FirstOrderLoop loop = new FirstOrderLoop(name(), f, geometry(), stepSize, accelerated, maxIterations(), tol(), 1);
    DegeneracyCheck test = settings.degeneracyCheck();
    if (activeSet != null && differentiation() == Differentiation.IMPLICIT && java.util.Arrays.stream(theta).anyMatch(Tensor::isTraced)) {
      Guards.requireInputs(name(), init, theta);
      Tensor x0 = init.concrete();
      return ActiveSetSolve.run(name(), activeSet, f, proxParameterCount, "prox", th -> {
        Theta split = Theta.split(name(), th, proxParameterCount, "prox");
        return KinkConvention.inspect(loop.run(x0, split.objective(), split.operator()), test, f, stepSize.reference(), split);
      }, settings.linearSolver(), settings.implicitOptions(), theta);
    }
    return solve(init, theta, (x0, th) -> {
      Theta split = Theta.split(name(), th, proxParameterCount, "prox");
      return KinkConvention.inspect(loop.run(x0, split.objective(), split.operator()), test, f, stepSize.reference(), split);
    }, r -> new Iterations.Backward(!r.degenerate() ? optimality()
        : proximalResidual(name(), f, Geometry.euclidean(KinkConvention.settled(prox::apply, test, r.degeneracy())),
            stepSize.reference(), proxParameterCount, "prox"), linearSolver()));
  }
}

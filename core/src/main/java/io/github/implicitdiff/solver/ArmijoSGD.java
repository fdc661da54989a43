package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.ValueAndGrad;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * SGD with a stochastic Armijo line search (Vaswani et al. 2019, <em>Painless Stochastic Gradient</em>, Algorithm 1
 * with reset option 2) for min_x F(x, θ) = f(x, all rows, θ).
 *
 * <p>Step k on minibatch i_k: g = ∇f_i(x_k); the trial step starts at η = min(s·η_max, η_{k−1}·a^{b/n}) (b the
 * batch size, n the rows: the step may grow by a factor a per epoch; s the epoch's {@link #withStepDecay} scale) and
 * shrinks by β until f_i(x_k − ηg) ≤ f_i(x_k) − cη‖g‖² (the Armijo condition on the same minibatch), then
 * x_{k+1} = x_k − ηg. Defaults: η_max = 10 (also η_{−1}), c = 0.5, β = 0.8, a = 2, at most 50 reductions (then {@link NotConvergedException}). The search
 * runs on values; the accepted η is piecewise constant in θ, so UNROLLED differentiates x_k − ηg with η fixed.
 * Epochs, stopping and differentiation: {@link StochasticMinimizer}.
 *
 * <pre>{@code
 * BatchObjective f = (w, batch, th) -> Objectives.l2BinaryLogistic(w, th[0], batch[0], batch[1]);
 * ArmijoSGD sgd = ArmijoSGD.of(f, Dataset.of(X, y)).withBatchSize(64).withStepDecay(0.95).withMaxIterations(200);
 * Tensor w = sgd.run(Tensor.zeros(d), Tensor.scalar(0.01)).orThrow();   // epochs until the full-batch error ≤ 1e-6
 * }</pre>
 */
public final class ArmijoSGD extends StochasticMinimizer<ArmijoSGD> {
  private static final int MAX_BACKTRACKS = 50;
  private final double maxStep, c, decrease, increase;

  private ArmijoSGD(OptimizerSettings settings, BatchObjective f, Sampling sampling, double maxStep, double c,
      double decrease, double increase) {
    super(settings, f, sampling);
    this.maxStep = maxStep;
    this.c = c;
    this.decrease = decrease;
    this.increase = increase;
  }

  /** Armijo SGD on f over the data, with the defaults above, 100 epochs, tol 1e-6. */
  public static ArmijoSGD of(BatchObjective f, Dataset data) {
    return new ArmijoSGD(defaultSettings(), f, sampling("ArmijoSGD", f, data), 10, 0.5, 0.8, 2);
  }

  @Override
  ArmijoSGD with(OptimizerSettings s) {
    return new ArmijoSGD(s, f, sampling, maxStep, c, decrease, increase);
  }

  @Override
  ArmijoSGD with(Sampling s) {
    return new ArmijoSGD(settings, f, s, maxStep, c, decrease, increase);
  }

  /** The largest step η_max &gt; 0, also the first trial (default 10). */
  public ArmijoSGD withMaxStep(double value) {
    return new ArmijoSGD(settings, f, sampling, positive("the maximum step", value), c, decrease, increase);
  }

  /** The Armijo constant c in (0, 1) (default 0.5). */
  public ArmijoSGD withArmijoConstant(double value) {
    return new ArmijoSGD(settings, f, sampling, maxStep, fraction("the Armijo constant", value), decrease, increase);
  }

  /** The backtracking factor β in (0, 1) (default 0.8). */
  public ArmijoSGD withDecrease(double value) {
    return new ArmijoSGD(settings, f, sampling, maxStep, c, fraction("the decrease factor", value), increase);
  }

  /** The reset factor a ≥ 1 per epoch (default 2; 1 keeps the last step). */
  public ArmijoSGD withIncrease(double value) {
    if (!(value >= 1) || !Double.isFinite(value))
      throw new IllegalArgumentException(name() + ": the increase factor must be ≥ 1 and finite, got " + value);
    return new ArmijoSGD(settings, f, sampling, maxStep, c, decrease, value);
  }

  public double maxStep() {
    return maxStep;
  }

  @Override
  public String name() {
    return "ArmijoSGD";
  }

  @Override
  StochasticLoop.StepRule newRule() {
    return new Rule(maxStep, Math.pow(increase, (double) batchSize() / data().n()));
  }

  /** The search, with the last accepted step η (concrete state, copied by {@link #restore}). */
  private final class Rule implements StochasticLoop.StepRule {
    private double eta;
    private final double growth;

    Rule(double eta, double growth) {
      this.eta = eta;
      this.growth = growth;
    }

    @Override
    public Tensor step(Tensor x, MinibatchObjective fi, int k, double scale) {
      ValueAndGrad vg = fi.valueAndGrad(x);
      Tensor g = vg.grad();
      double f0 = vg.value().item(), gg = g.concrete().vdot(g.concrete());
      eta = Math.min(scale * maxStep, eta * growth);
      for (int t = 0; fi.valueAt(x.concrete().sub(g.concrete().mul(eta))) > f0 - c * eta * gg; t++) {
        if (t == MAX_BACKTRACKS)
          throw new NotConvergedException(name() + ": no step satisfied the stochastic Armijo condition after " + t
              + " reductions at step " + k + " (f_i = " + f0 + ", ‖∇f_i‖² = " + gg + "); the minibatch objective may not"
              + " be smooth or finite near x");
        eta *= decrease;
      }
      return x.sub(g.mul(eta));
    }

    @Override
    public StochasticLoop.StepRule restore(Tensor[] carried) {
      return new Rule(eta, growth);
    }
  }
}

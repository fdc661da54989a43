package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Adam (Kingma and Ba 2015) over minibatches, as JAXopt's {@code OptaxSolver(optax.adam)}, for
 * min_x F(x, θ) = f(x, all rows, θ).
 *
 * <p>Step t = k + 1 on minibatch i_k: g = ∇f_i(x_k), m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², then with the
 * bias corrections m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ): x_{k+1} = x_k − s·lr·m̂/(√v̂ + ε) (s the epoch's
 * {@link #withStepDecay} scale). Defaults: lr = 0.01, β₁ = 0.9, β₂ = 0.999, ε = 1e-8; m and v start at 0 and are
 * carried across epochs. Every operation is a tensor operation, so UNROLLED differentiates through the moments.
 * Epochs, stopping and differentiation: {@link StochasticMinimizer}. A preset of {@link MinibatchSolver} with
 * {@link UpdateRule#adam} (the same steps to the bit); the solver takes AdamW, ε_root and the other rules.
 *
 * <pre>{@code
 * BatchObjective f = (w, batch, th) -> Objectives.l2BinaryLogistic(w, th[0], batch[0], batch[1]);
 * MinibatchAdam adam = MinibatchAdam.of(f, Dataset.of(X, y)).withLearningRate(0.05).withStepDecay(0.9);
 * Tensor w = adam.run(Tensor.zeros(d), Tensor.scalar(0.01)).orThrow();
 * }</pre>
 */
public final class MinibatchAdam extends StochasticMinimizer<MinibatchAdam> {
  private final AdamRule rule;

  private MinibatchAdam(OptimizerSettings settings, BatchObjective f, Sampling sampling, AdamRule rule) {
    super(settings, f, sampling);
    this.rule = rule;
  }

  /** Adam on f over the data: lr 0.01, β₁ 0.9, β₂ 0.999, ε 1e-8, 100 epochs, tol 1e-6. */
  public static MinibatchAdam of(BatchObjective f, Dataset data) {
    return new MinibatchAdam(defaultSettings(), f, sampling("MinibatchAdam", f, data), UpdateRule.adam(0.01));
  }

  @Override
  MinibatchAdam with(OptimizerSettings s) {
    return new MinibatchAdam(s, f, sampling, rule);
  }

  @Override
  MinibatchAdam with(Sampling s) {
    return new MinibatchAdam(settings, f, s, rule);
  }

  /** The learning rate lr &gt; 0 (default 0.01). */
  public MinibatchAdam withLearningRate(double value) {
    return new MinibatchAdam(settings, f, sampling, rule.withLearningRate(positive("the learning rate", value)));
  }

  /** The moment decays β₁, β₂ in [0, 1) (defaults 0.9, 0.999). */
  public MinibatchAdam withBetas(double b1, double b2) {
    if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1))
      throw new IllegalArgumentException(name() + ": β₁ and β₂ must be in [0, 1), got " + b1 + ", " + b2);
    return new MinibatchAdam(settings, f, sampling, rule.withBetas(b1, b2));
  }

  /** ε &gt; 0 in the denominator √v̂ + ε (default 1e-8). */
  public MinibatchAdam withEpsilon(double value) {
    return new MinibatchAdam(settings, f, sampling, rule.withEps(positive("ε", value)));
  }

  public double learningRate() {
    return rule.learningRate();
  }

  /** The update rule of the steps, {@link UpdateRule#adam} with this solver's settings. */
  public AdamRule rule() {
    return rule;
  }

  @Override
  public String name() {
    return "MinibatchAdam";
  }

  @Override
  StochasticLoop.StepRule newRule() {
    return new RuleStep(name(), rule, null);
  }
}

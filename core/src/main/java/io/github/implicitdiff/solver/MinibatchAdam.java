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
 * Epochs, stopping and differentiation: {@link StochasticMinimizer}.
 *
 * <pre>{@code
 * BatchObjective f = (w, batch, th) -> Objectives.l2BinaryLogistic(w, th[0], batch[0], batch[1]);
 * MinibatchAdam adam = MinibatchAdam.of(f, Dataset.of(X, y)).withLearningRate(0.05).withStepDecay(0.9);
 * Tensor w = adam.run(Tensor.zeros(d), Tensor.scalar(0.01)).orThrow();
 * }</pre>
 */
public final class MinibatchAdam extends StochasticMinimizer<MinibatchAdam> {
  private final double lr, beta1, beta2, eps;

  private MinibatchAdam(OptimizerSettings settings, BatchObjective f, Sampling sampling, double lr, double beta1,
      double beta2, double eps) {
    super(settings, f, sampling);
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
  }

  /** Adam on f over the data: lr 0.01, β₁ 0.9, β₂ 0.999, ε 1e-8, 100 epochs, tol 1e-6. */
  public static MinibatchAdam of(BatchObjective f, Dataset data) {
    return new MinibatchAdam(defaultSettings(), f, sampling("MinibatchAdam", f, data), 0.01, 0.9, 0.999, 1e-8);
  }

  @Override
  MinibatchAdam with(OptimizerSettings s) {
    return new MinibatchAdam(s, f, sampling, lr, beta1, beta2, eps);
  }

  @Override
  MinibatchAdam with(Sampling s) {
    return new MinibatchAdam(settings, f, s, lr, beta1, beta2, eps);
  }

  /** The learning rate lr &gt; 0 (default 0.01). */
  public MinibatchAdam withLearningRate(double value) {
    return new MinibatchAdam(settings, f, sampling, positive("the learning rate", value), beta1, beta2, eps);
  }

  /** The moment decays β₁, β₂ in [0, 1) (defaults 0.9, 0.999). */
  public MinibatchAdam withBetas(double b1, double b2) {
    if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1))
      throw new IllegalArgumentException(name() + ": β₁ and β₂ must be in [0, 1), got " + b1 + ", " + b2);
    return new MinibatchAdam(settings, f, sampling, lr, b1, b2, eps);
  }

  /** ε &gt; 0 in the denominator √v̂ + ε (default 1e-8). */
  public MinibatchAdam withEpsilon(double value) {
    return new MinibatchAdam(settings, f, sampling, lr, beta1, beta2, positive("ε", value));
  }

  public double learningRate() {
    return lr;
  }

  @Override
  public String name() {
    return "MinibatchAdam";
  }

  @Override
  StochasticLoop.StepRule newRule() {
    return new Rule(null, null);
  }

  /** The moments m and v (carried tensors; none before the first step). */
  private final class Rule implements StochasticLoop.StepRule {
    private Tensor m, v;

    Rule(Tensor m, Tensor v) {
      this.m = m;
      this.v = v;
    }

    @Override
    public Tensor step(Tensor x, MinibatchObjective fi, int k, double scale) {
      Tensor g = fi.valueAndGrad(x).grad();
      if (m == null) {
        m = Tensor.zeros(x.shape());
        v = Tensor.zeros(x.shape());
      }
      m = m.mul(beta1).add(g.mul(1 - beta1));
      v = v.mul(beta2).add(g.square().mul(1 - beta2));
      int t = k + 1;
      Tensor mHat = m.div(1 - Math.pow(beta1, t)), vHat = v.div(1 - Math.pow(beta2, t));
      return x.sub(mHat.div(vHat.sqrt().add(eps)).mul(scale * lr));
    }

    @Override
    public Tensor[] carried() {
      return m == null ? new Tensor[0] : new Tensor[] {m, v};
    }

    @Override
    public StochasticLoop.StepRule restore(Tensor[] carried) {
      return carried.length == 0 ? new Rule(null, null) : new Rule(carried[0], carried[1]);
    }
  }
}

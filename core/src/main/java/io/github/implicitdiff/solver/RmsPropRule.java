package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;

/**
 * RMSProp (Tieleman and Hinton 2012) in PyTorch's form: v ← ρv + (1 − ρ)g² (v₀ = 0), Δ = s·lr·g/(√v + ε), ε outside
 * the root (optax's {@code rmsprop} puts it inside); ρ = 0.99 by default, PyTorch's: with optax's 0.9 the estimate
 * of v is so noisy near the minimum that g/√v stays about ±1, and the tests' logistic regression stalls above 1e-4.
 * A coordinate with only zero gradients is differentiated exactly under UNROLLED; where the step has no derivative
 * it throws (the rule of {@link AdamRule}).
 *
 * <pre>{@code
 * MinibatchSolver solver = MinibatchSolver.of(f, data, UpdateRule.rmsProp(0.01).withDecay(0.999));
 * }</pre>
 *
 * @param learningRate lr &gt; 0
 * @param decay ρ in [0, 1)
 * @param eps ε &gt; 0
 */
public record RmsPropRule(double learningRate, double decay, double eps) implements UpdateRule {
  /** Checks the hyperparameters. */
  public RmsPropRule {
    RuleChecks.positive("RMSProp", "the learning rate", learningRate);
    RuleChecks.decay("RMSProp", "the decay ρ", decay);
    RuleChecks.positive("RMSProp", "ε", eps);
  }

  /** The same rule with another learning rate. */
  public RmsPropRule withLearningRate(double value) {
    return new RmsPropRule(value, decay, eps);
  }

  /** The same rule with another decay ρ in [0, 1). */
  public RmsPropRule withDecay(double value) {
    return new RmsPropRule(learningRate, value, eps);
  }

  /** The same rule with another ε &gt; 0. */
  public RmsPropRule withEps(double value) {
    return new RmsPropRule(learningRate, decay, value);
  }

  @Override
  public Tensor[] init(Tensor x) {
    return new Tensor[] {Tensor.zeros(x.shape())};
  }

  @Override
  public Update update(Tensor g, Tensor[] state, Tensor x, int step, double scale) {
    Tensor v = state[0].mul(decay).add(g.square().mul(1 - decay));
    return new Update(g.div(AdaptiveDenominator.of("RMSProp", v, g, 0, eps, step)).mul(scale * learningRate), v);
  }
}

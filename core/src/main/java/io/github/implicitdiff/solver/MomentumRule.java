package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;

/**
 * SGD with momentum (PyTorch's SGD without dampening, optax {@code sgd(lr, momentum, nesterov)}): the velocity
 * v ← βv + g (v₀ = 0), then Δ = s·lr·v (heavy ball) or Δ = s·lr·(g + βv) with the new v (Nesterov, Sutskever et
 * al. 2013 in the form of Bengio et al. 2013), s the schedule's multiplier.
 *
 * <pre>{@code
 * MinibatchSolver hb = MinibatchSolver.of(f, data, UpdateRule.momentum(0.05, 0.9));
 * MinibatchSolver nag = MinibatchSolver.of(f, data, UpdateRule.momentum(0.05, 0.9).withNesterov(true));
 * }</pre>
 *
 * @param learningRate lr &gt; 0
 * @param beta the momentum β in [0, 1)
 * @param nesterov whether to look ahead (Nesterov) rather than step along v (heavy ball)
 */
public record MomentumRule(double learningRate, double beta, boolean nesterov) implements UpdateRule {
  /** Checks lr and β. */
  public MomentumRule {
    String name = nesterov ? "Nesterov momentum" : "Momentum";
    RuleChecks.positive(name, "the learning rate", learningRate);
    RuleChecks.decay(name, "the momentum β", beta);
  }

  /** The same rule with another learning rate. */
  public MomentumRule withLearningRate(double value) {
    return new MomentumRule(value, beta, nesterov);
  }

  /** The same rule with another momentum β in [0, 1). */
  public MomentumRule withBeta(double value) {
    return new MomentumRule(learningRate, value, nesterov);
  }

  /** Nesterov's look-ahead (true) or the heavy ball (false). */
  public MomentumRule withNesterov(boolean value) {
    return new MomentumRule(learningRate, beta, value);
  }

  @Override
  public Tensor[] init(Tensor x) {
    return new Tensor[] {Tensor.zeros(x.shape())};
  }

  @Override
  public Update update(Tensor g, Tensor[] state, Tensor x, int step, double scale) {
    Tensor v = state[0].mul(beta).add(g);
    Tensor direction = nesterov ? g.add(v.mul(beta)) : v;
    return new Update(direction.mul(scale * learningRate), v);
  }
}

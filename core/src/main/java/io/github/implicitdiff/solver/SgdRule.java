package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Plain SGD, Δ = s·lr·g (s the schedule's multiplier); no state.
 *
 * <pre>{@code
 * MinibatchSolver sgd = MinibatchSolver.of(f, data, UpdateRule.sgd(0.5)).withSchedule(StepSchedule.inverseTime(0.01));
 * }</pre>
 *
 * @param learningRate lr &gt; 0
 */
public record SgdRule(double learningRate) implements UpdateRule {
  /** Checks lr. */
  public SgdRule {
    RuleChecks.positive("SGD", "the learning rate", learningRate);
  }

  /** The same rule with another learning rate. */
  public SgdRule withLearningRate(double value) {
    return new SgdRule(value);
  }

  @Override
  public Tensor[] init(Tensor x) {
    return new Tensor[0];
  }

  @Override
  public Update update(Tensor g, Tensor[] state, Tensor x, int step, double scale) {
    return new Update(g.mul(scale * learningRate));
  }
}

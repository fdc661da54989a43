package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;

/**
 * AdaGrad (Duchi et al. 2011) in PyTorch's form: G ← G + g² (G₀ = 0), Δ = s·lr·g/(√G + ε). A coordinate with only
 * zero gradients is differentiated exactly under UNROLLED; where the step has no derivative it throws (the rule of
 * {@link AdamRule}).
 *
 * <pre>{@code
 * MinibatchSolver solver = MinibatchSolver.of(f, data, UpdateRule.adaGrad(0.5));
 * }</pre>
 *
 * @param learningRate lr &gt; 0
 * @param eps ε &gt; 0
 */
public record AdaGradRule(double learningRate, double eps) implements UpdateRule {
  /** Checks the hyperparameters. */
  public AdaGradRule {
    RuleChecks.positive("AdaGrad", "the learning rate", learningRate);
    RuleChecks.positive("AdaGrad", "ε", eps);
  }

  /** The same rule with another learning rate. */
  public AdaGradRule withLearningRate(double value) {
    return new AdaGradRule(value, eps);
  }

  /** The same rule with another ε &gt; 0. */
  public AdaGradRule withEps(double value) {
    return new AdaGradRule(learningRate, value);
  }

  @Override
  public Tensor[] init(Tensor x) {
    return new Tensor[] {Tensor.zeros(x.shape())};
  }

  @Override
  public Update update(Tensor g, Tensor[] state, Tensor x, int step, double scale) {
    Tensor sum = state[0].add(g.square());
    return new Update(g.div(AdaptiveDenominator.of("AdaGrad", sum, g, 0, eps, step)).mul(scale * learningRate), sum);
  }
}

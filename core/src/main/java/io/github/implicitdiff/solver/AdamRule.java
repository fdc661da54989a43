package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Adam (Kingma and Ba 2015), and AdamW (Loshchilov and Hutter 2019) when the weight decay w &gt; 0, as optax's
 * {@code adam} / {@code adamw}. Step t = k + 1: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g² (m₀ = v₀ = 0),
 * m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), Δ = s·lr·(m̂/(√(v̂ + ε_root) + ε) + w·x) (s the schedule's multiplier; the
 * decay term is decoupled from the moments, and absent when w = 0).
 *
 * <p>ε_root (default 0, optax's {@code eps_root}) moves part of ε inside the root; a positive one makes the step
 * differentiable where v̂ = 0, and changes the steps. With ε_root = 0, where d√v̂/dv̂ = ∞ at v̂ = 0 (JAX then gives
 * ∞·0 = NaN), {@link Differentiation#UNROLLED} still differentiates exactly a coordinate whose gradients were all
 * exactly 0: there m̂ = 0 too, and the step m̂/(√v̂ + ε) has the derivative m̂'/ε whatever √v̂ does, so the root is
 * taken with a zero derivative (same values). Where v̂_j = 0 but m̂_j ≠ 0 (g_j² underflowed, or β₂ = 0) the step has
 * a kink and no derivative: a traced step there throws a {@link io.github.implicitdiff.tensor.NonFiniteException}
 * naming the coordinate and suggesting ε_root &gt; 0. Never a silent infinity or NaN.
 *
 * <pre>{@code
 * AdamRule adamw = UpdateRule.adamW(0.01, 1e-4).withBetas(0.9, 0.99);
 * MinibatchSolver solver = MinibatchSolver.of(f, data, adamw).withSchedule(StepSchedule.cosine(3000, 0));
 * }</pre>
 *
 * @param learningRate lr &gt; 0
 * @param beta1 β₁ in [0, 1)
 * @param beta2 β₂ in [0, 1)
 * @param eps ε &gt; 0, outside the root
 * @param epsRoot ε_root ≥ 0, inside the root
 * @param weightDecay w ≥ 0, the decoupled weight decay (AdamW)
 */
public record AdamRule(double learningRate, double beta1, double beta2, double eps, double epsRoot, double weightDecay)
    implements UpdateRule {
  /** Checks the hyperparameters. */
  public AdamRule {
    String name = weightDecay > 0 ? "AdamW" : "Adam";
    RuleChecks.positive(name, "the learning rate", learningRate);
    RuleChecks.decay(name, "β₁", beta1);
    RuleChecks.decay(name, "β₂", beta2);
    RuleChecks.positive(name, "ε", eps);
    RuleChecks.nonNegative(name, "ε_root", epsRoot);
    RuleChecks.nonNegative(name, "the weight decay", weightDecay);
  }

  /** The same rule with another learning rate. */
  public AdamRule withLearningRate(double value) {
    return new AdamRule(value, beta1, beta2, eps, epsRoot, weightDecay);
  }

  /** The same rule with other moment decays β₁, β₂ in [0, 1). */
  public AdamRule withBetas(double b1, double b2) {
    return new AdamRule(learningRate, b1, b2, eps, epsRoot, weightDecay);
  }

  /** The same rule with another ε &gt; 0 (outside the root). */
  public AdamRule withEps(double value) {
    return new AdamRule(learningRate, beta1, beta2, value, epsRoot, weightDecay);
  }

  /** The same rule with another ε_root ≥ 0 (inside the root; 1e-16 or so makes every step differentiable). */
  public AdamRule withEpsRoot(double value) {
    return new AdamRule(learningRate, beta1, beta2, eps, value, weightDecay);
  }

  /** The same rule with another decoupled weight decay w ≥ 0 (AdamW when positive). */
  public AdamRule withWeightDecay(double value) {
    return new AdamRule(learningRate, beta1, beta2, eps, epsRoot, value);
  }

  @Override
  public Tensor[] init(Tensor x) {
    return new Tensor[] {Tensor.zeros(x.shape()), Tensor.zeros(x.shape())};
  }

  @Override
  public Update update(Tensor g, Tensor[] state, Tensor x, int step, double scale) {
    Tensor m = state[0].mul(beta1).add(g.mul(1 - beta1));
    Tensor v = state[1].mul(beta2).add(g.square().mul(1 - beta2));
    int t = step + 1;
    Tensor mHat = m.div(1 - Math.pow(beta1, t)), vHat = v.div(1 - Math.pow(beta2, t));
    Tensor direction = mHat.div(AdaptiveDenominator.of(weightDecay > 0 ? "AdamW" : "Adam", vHat, mHat, epsRoot, eps, step));
    if (weightDecay > 0) direction = direction.add(x.mul(weightDecay));
    return new Update(direction.mul(scale * learningRate), m, v);
  }
}

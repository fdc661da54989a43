package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;

/**
 * An optimizer's update rule over minibatch gradients, the equivalent of an optax {@code GradientTransformation}
 * (JAXopt's {@code OptaxSolver} takes any of them): a state of tensors (momenta, moment estimates) started by
 * {@link #init}, and {@link #update}, which turns a gradient into the step Δ with x_{k+1} = x_k − Δ and the next
 * state. {@link MinibatchSolver} runs any rule over the minibatches of a {@link Dataset}, multiplying its learning
 * rate by a {@link StepSchedule}.
 *
 * <p>The rules: {@link #sgd}, {@link #momentum} (heavy ball), {@link #nesterov}, {@link #adam}, {@link #adamW}
 * (decoupled weight decay), {@link #rmsProp}, {@link #adaGrad}; each is an immutable record whose hyperparameters
 * are checked when it is built (a clear {@link IllegalArgumentException} naming the rule and the setting) and
 * changed by withers. An update is written in tensor operations, so that {@link Differentiation#UNROLLED}
 * records it, and the state is the tensors a checkpointed segment carries ({@link Checkpointing}).
 *
 * <pre>{@code
 * BatchObjective f = (w, batch, th) -> Objectives.l2BinaryLogistic(w, th[0], batch[0], batch[1]);
 * MinibatchSolver solver = MinibatchSolver.of(f, Dataset.of(X, y), UpdateRule.nesterov(0.1, 0.9))
 *     .withSchedule(StepSchedule.cosine(2000, 0.01).withWarmup(50));
 * Tensor w = solver.run(Tensor.zeros(d), Tensor.scalar(0.01)).orThrow();
 * }</pre>
 *
 * A rule of one's own implements the two methods; its update must not change the arrays it is given.
 */
public interface UpdateRule {
  /** The state before the first step at the initial iterate x (zeros of x's shape; none for a stateless rule). */
  Tensor[] init(Tensor x);

  /**
   * One step on the minibatch gradient g at x_k.
   *
   * @param g the minibatch gradient ∇f_i(x_k)
   * @param state the state after step k − 1 ({@link #init} before step 0)
   * @param x the iterate x_k (for a decay term such as AdamW's)
   * @param step k, counted from 0 over the whole run (Adam's bias correction uses k + 1)
   * @param scale the schedule's multiplier of the learning rate at step k ({@link StepSchedule#scale})
   * @return Δ (x_{k+1} = x_k − Δ) and the state after step k
   */
  Update update(Tensor g, Tensor[] state, Tensor x, int step, double scale);

  /** The learning rate the schedule multiplies. */
  double learningRate();

  /**
   * A step Δ (x_{k+1} = x_k − Δ) and the state after it.
   *
   * @param delta the step subtracted from x_k, of x's shape
   * @param state the next state, as many tensors as {@link #init} gives
   */
  record Update(Tensor delta, Tensor... state) {}

  /** Plain SGD: Δ = s·lr·g (optax {@code sgd(lr)}). */
  static SgdRule sgd(double learningRate) {
    return new SgdRule(learningRate);
  }

  /** Heavy-ball momentum: v ← βv + g, Δ = s·lr·v (optax {@code sgd(lr, momentum=β)}, PyTorch's SGD). */
  static MomentumRule momentum(double learningRate, double beta) {
    return new MomentumRule(learningRate, beta, false);
  }

  /** Nesterov momentum: v ← βv + g, Δ = s·lr·(g + βv) (optax {@code sgd(lr, β, nesterov=True)}). */
  static MomentumRule nesterov(double learningRate, double beta) {
    return new MomentumRule(learningRate, beta, true);
  }

  /** Adam with β₁ = 0.9, β₂ = 0.999, ε = 1e-8, ε_root = 0 (optax {@code adam(lr)}); see {@link AdamRule}. */
  static AdamRule adam(double learningRate) {
    return new AdamRule(learningRate, 0.9, 0.999, 1e-8, 0, 0);
  }

  /** AdamW: Adam plus the decoupled decay s·lr·w·x in Δ (optax {@code adamw(lr, weight_decay=w)}). */
  static AdamRule adamW(double learningRate, double weightDecay) {
    return adam(learningRate).withWeightDecay(weightDecay);
  }

  /** RMSProp with decay ρ = 0.99, ε = 1e-8 (PyTorch's defaults); see {@link RmsPropRule}. */
  static RmsPropRule rmsProp(double learningRate) {
    return new RmsPropRule(learningRate, 0.99, 1e-8);
  }

  /** AdaGrad with ε = 1e-10 and a zero initial accumulator (PyTorch's defaults); see {@link AdaGradRule}. */
  static AdaGradRule adaGrad(double learningRate) {
    return new AdaGradRule(learningRate, 1e-10);
  }
}

package io.github.implicitdiff.solver;

/**
 * Any {@link UpdateRule} (SGD, momentum, Nesterov, Adam, AdamW, RMSProp, AdaGrad, or one's own) over minibatches of
 * a {@link Dataset}, with a {@link StepSchedule} on its learning rate, for min_x F(x, θ) = f(x, all rows, θ): JAXopt's
 * {@code OptaxSolver} over an optax optimizer.
 *
 * <p>Step k on minibatch i_k: g = ∇f_i(x_k), (Δ, state) = rule.update(g, state, x_k, k, s_k), x_{k+1} = x_k − Δ,
 * with s_k the schedule's multiplier and the rule's state (moments) carried across epochs. Epochs, stopping on the
 * full-batch error, implicit differentiation through the full-batch stationarity (the default), UNROLLED and
 * checkpointed unrolling: {@link StochasticMinimizer}. {@link MinibatchAdam} is this solver with
 * {@link UpdateRule#adam}, to the bit.
 *
 * <pre>{@code
 * BatchObjective f = (w, batch, th) -> Objectives.l2BinaryLogistic(w, th[0], batch[0], batch[1]);
 * MinibatchSolver solver = MinibatchSolver.of(f, Dataset.of(X, y), UpdateRule.adamW(0.05, 1e-4))
 *     .withBatchSize(64).withSchedule(StepSchedule.cosine(4000, 0.01).withWarmup(100)).withMaxIterations(300);
 * Tensor dLoss = AD.grad(lam -> valLoss(solver.run(Tensor.zeros(d), lam).orThrow()), Tensor.scalar(0.01));
 * }</pre>
 */
public final class MinibatchSolver extends StochasticMinimizer<MinibatchSolver> {
  private final UpdateRule rule;

  private MinibatchSolver(OptimizerSettings settings, BatchObjective f, Sampling sampling, UpdateRule rule) {
    super(settings, f, sampling);
    this.rule = rule;
  }

  /** The rule on f over the data: batches of min(32, n), a constant schedule, 100 epochs, tol 1e-6. */
  public static MinibatchSolver of(BatchObjective f, Dataset data, UpdateRule rule) {
    Sampling sampling = sampling("MinibatchSolver", f, data);
    if (rule == null) throw new IllegalArgumentException("MinibatchSolver: the update rule must not be null");
    return new MinibatchSolver(defaultSettings(), f, sampling, rule);
  }

  @Override
  MinibatchSolver with(OptimizerSettings s) {
    return new MinibatchSolver(s, f, sampling, rule);
  }

  @Override
  MinibatchSolver with(Sampling s) {
    return new MinibatchSolver(settings, f, s, rule);
  }

  /** The same solver with another update rule. */
  public MinibatchSolver withRule(UpdateRule value) {
    if (value == null) throw new IllegalArgumentException(name() + ": the update rule must not be null");
    return new MinibatchSolver(settings, f, sampling, value);
  }

  public UpdateRule rule() {
    return rule;
  }

  @Override
  public String name() {
    return "MinibatchSolver";
  }

  @Override
  StochasticLoop.StepRule newRule() {
    return new RuleStep(name(), rule, null);
  }
}

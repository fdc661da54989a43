package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * An {@link UpdateRule} as the epoch loop's step rule: g = ∇f_i(x_k), (Δ, state) = update(g, state, x_k, k, s_k),
 * x_{k+1} = x_k − Δ. The state starts at {@link UpdateRule#init} on the first step and is what checkpointed segments
 * carry (nothing before the first step).
 */
final class RuleStep implements StochasticLoop.StepRule {
  private final String solver;
  private final UpdateRule rule;
  private Tensor[] state;

  RuleStep(String solver, UpdateRule rule, Tensor[] state) {
    this.solver = solver;
    this.rule = rule;
    this.state = state;
  }

  @Override
  public Tensor step(Tensor x, MinibatchObjective fi, int k, double scale) {
    Tensor g = fi.valueAndGrad(x).grad();
    if (state == null) state = rule.init(x).clone();
    UpdateRule.Update u = rule.update(g, state.clone(), x, k, scale);
    if (u == null || u.delta() == null || u.state() == null)
      throw new IllegalStateException(solver + ": the update rule " + rule + " returned no step or no state at step " + k);
    if (!Arrays.equals(u.delta().shape(), x.shape()))
      throw new ShapeException(solver + ": the update rule " + rule + " returned a step of shape " + u.delta().shapeString()
          + " for an iterate of shape " + x.shapeString() + " at step " + k);
    if (u.state().length != state.length)
      throw new IllegalStateException(solver + ": the update rule " + rule + " returned " + u.state().length
          + " state tensors at step " + k + " where its state has " + state.length);
    state = u.state().clone();
    return x.sub(u.delta());
  }

  @Override
  public Tensor[] carried() {
    return state == null ? new Tensor[0] : state.clone();
  }

  @Override
  public StochasticLoop.StepRule restore(Tensor[] carried) {
    return new RuleStep(solver, rule, state == null ? null : carried.clone());
  }
}

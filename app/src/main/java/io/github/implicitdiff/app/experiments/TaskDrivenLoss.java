package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The outer loss of task-driven dictionary learning (Mairal, Bach and Ponce 2012), a logistic regression on
 * the sparse codes of the training samples:
 * <pre>
 *   L(D̃, w, b) = (1/n) Σ_i ℓ(y_i, α*(x_i; D)ᵀw + b) + (μ/2)‖w‖²,   D = D̃ / column norms,
 * </pre>
 * ℓ the logistic loss of {@link LogisticModel} and α* the elastic-net codes of {@link SparseCoding} (its (1)).
 * Its gradient in D̃ goes through α* by implicit differentiation (∂L/∂D = (∂α* / ∂D)ᵀ ∂L/∂α*, one adjoint solve
 * of the coding problem's linear system), in w and b directly. Inputs in the order (D̃, w, b).
 */
final class TaskDrivenLoss implements MultiInputFunction {
  private final SparseCoding coding;
  private final Tensor y;
  private final double mu;

  TaskDrivenLoss(SparseCoding coding, Tensor y, double mu) {
    this.coding = coding;
    this.y = y;
    this.mu = mu;
  }

  @Override
  public Tensor apply(Tensor... in) {
    if (in.length != 3) throw new IllegalArgumentException("TaskDrivenLoss: needs (D̃, w, b), got " + in.length + " inputs");
    return LogisticModel.loss(in[1], in[2], mu, coding.codes(SparseCoding.unitColumns(in[0])), y);
  }

  /** The same loss with another coding of the same samples (the unrolled or a cold-started one). */
  TaskDrivenLoss with(SparseCoding other) {
    return new TaskDrivenLoss(other, y, mu);
  }

  /** The coding problem of the training samples. */
  SparseCoding coding() {
    return coding;
  }
}

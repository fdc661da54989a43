package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The outer loss of task-driven dictionary learning (Mairal, Bach and Ponce 2012), a logistic regression on
 * the sparse codes of the training samples:
 * <pre>
 *   L(D̃, w, b) = (1/n) Σ_i ℓ(y_i, α*(x_i; D)ᵀw + b) + (μ/2)‖w‖² + (ν/2)‖D‖²_F,   D = D̃ / column norms,
 * </pre>
 * or, with {@link #inBall}, D = D̃ itself (its columns kept in the unit ball ‖d_j‖ ≤ 1 by the caller's projection
 * after each step, as in the paper); ν = 0 unless given, and only there not a constant (unit columns have
 * ‖D‖²_F = k). ℓ the logistic loss of {@link LogisticModel} and α* the elastic-net codes of {@link SparseCoding} (its (1)).
 * Its gradient in D̃ goes through α* by implicit differentiation (∂L/∂D = (∂α* / ∂D)ᵀ ∂L/∂α*, one adjoint solve
 * of the coding problem's linear system), in w and b directly. Inputs in the order (D̃, w, b).
 */
final class TaskDrivenLoss implements MultiInputFunction {
  private final SparseCoding coding;
  private final Tensor y;
  private final double mu, nu;
  private final boolean unitAtoms;

  /** Unit atoms D = D̃ / column norms, ν = 0. */
  TaskDrivenLoss(SparseCoding coding, Tensor y, double mu) {
    this(coding, y, mu, true, 0);
  }

  private TaskDrivenLoss(SparseCoding coding, Tensor y, double mu, boolean unitAtoms, double nu) {
    this.coding = coding;
    this.y = y;
    this.mu = mu;
    this.unitAtoms = unitAtoms;
    this.nu = nu;
  }

  /** The same loss with D = D̃ (atoms in the unit ball, projected by the caller) and the penalty (ν/2)‖D‖²_F. */
  TaskDrivenLoss inBall(double nu) {
    return new TaskDrivenLoss(coding, y, mu, false, nu);
  }

  /** The dictionary D of the parameter D̃: its unit columns, or D̃ itself in the ball. */
  Tensor dictionary(Tensor Dtilde) {
    return unitAtoms ? SparseCoding.unitColumns(Dtilde) : Dtilde;
  }

  @Override
  public Tensor apply(Tensor... in) {
    if (in.length != 3) throw new IllegalArgumentException("TaskDrivenLoss: needs (D̃, w, b), got " + in.length + " inputs");
    Tensor D = dictionary(in[0]);
    Tensor loss = LogisticModel.loss(in[1], in[2], mu, coding.codes(D), y);
    return nu == 0 ? loss : loss.add(D.square().sum().mul(nu / 2));
  }

  /** Projects each column of D̃ onto the unit ball ‖d_j‖ ≤ 1 (divides those longer than 1 by their norm). */
  static Tensor projectColumnsToBall(Tensor Dtilde) {
    return Dtilde.div(Dtilde.square().sum(new int[] {0}, true).sqrt().maximum(1.0));
  }

  /** The same loss with another coding of the same samples (the unrolled or a cold-started one). */
  TaskDrivenLoss with(SparseCoding other) {
    return new TaskDrivenLoss(other, y, mu, unitAtoms, nu);
  }

  /** The coding problem of the training samples. */
  SparseCoding coding() {
    return coding;
  }
}

package io.github.implicitdiff.loss;

import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * Per-sample losses ℓ(y, s) of a label y and a score (prediction) s, written in tensor operations so
 * that they differentiate to any order. Arguments come in the order (labels, scores), as in JAXopt.
 * Multiclass losses take scores of shape (n, k) and return one loss per row, shape (n,); the others are
 * elementwise.
 *
 * <pre>{@code
 * Tensor scores = Tensor.of(new double[][] {{2, 0, -1}, {0.5, 0.5, 3}});
 * Tensor l = Losses.multiclassLogistic(new int[] {0, 2}, scores);   // [logΣe^s − 2, logΣe^s − 3]
 * }</pre>
 *
 * <p>Hyperparameters (the Huber δ) are tensors, so losses are differentiable in them too.
 */
public final class Losses {
  private Losses() {}

  /**
   * Squared error ℓ(y, s) = ½ (s − y)², elementwise.
   * <pre>{@code
   * Tensor l = Losses.squaredError(Tensor.of(1, 2), Tensor.of(3, 2));   // [2, 0]
   * }</pre>
   * @throws ShapeException if y and s differ in shape
   */
  public static Tensor squaredError(Tensor y, Tensor scores) {
    requireSameShape("squaredError", y, scores);
    return scores.sub(y).square().mul(0.5);
  }

  /**
   * Huber loss of a residual r, elementwise: ½ r² if |r| ≤ δ, else δ (|r| − δ/2). Its derivative is r
   * inside and δ sign(r) outside; ∂/∂δ is 0 inside and |r| − δ outside.
   * <pre>{@code
   * Tensor l = Losses.huber(Tensor.of(0.5, -3), Tensor.scalar(1));   // [0.125, 2.5]
   * }</pre>
   * @param residual r = s − y, any shape
   * @param delta δ > 0, a scalar tensor or one broadcastable against r
   * @throws IllegalArgumentException if some δ ≤ 0 or is not finite
   */
  public static Tensor huber(Tensor residual, Tensor delta) {
    Checks.present("huber", "residual", residual);
    Checks.nonNegative("huber", "delta", delta, true);
    Tensor absolute = residual.abs();
    Tensor inside = absolute.le(delta);
    Tensor quadratic = residual.square().mul(0.5);
    Tensor linear = delta.mul(absolute.sub(delta.mul(0.5)));
    // both branches are finite everywhere, so where(...) passes no NaN to either cotangent
    return Tensor.where(inside, quadratic, linear);
  }

  /** {@link #huber(Tensor, Tensor)} with a fixed δ. */
  public static Tensor huber(Tensor residual, double delta) {
    return huber(residual, Tensor.scalar(delta));
  }

  /**
   * Binary logistic loss with labels y ∈ [0, 1] (0/1 or soft), elementwise:
   * ℓ(y, s) = log(1 + e^s) − y s = −y log σ(s) − (1 − y) log(1 − σ(s)). Derivative σ(s) − y.
   * Stable for any finite s: softplus is evaluated as max(s, 0) + log1p(e^{−|s|}), never log(σ(s)).
   * <pre>{@code
   * Tensor l = Losses.binaryLogistic(Tensor.of(1, 0), Tensor.of(1000, 1000));   // [0, 1000]
   * }</pre>
   * @throws ShapeException if y and s differ in shape
   * @throws IllegalArgumentException if a label is outside [0, 1] (for example −1/+1 labels)
   */
  public static Tensor binaryLogistic(Tensor y, Tensor scores) {
    requireSameShape("binaryLogistic", y, scores);
    double[] v = y.toDoubleArray();
    for (int i = 0; i < v.length; i++)
      if (!(v[i] >= 0 && v[i] <= 1))
        throw new IllegalArgumentException("binaryLogistic: label " + v[i] + " at flat index " + i
            + " is out of range; binary labels must lie in [0, 1] (use 0/1, not −1/+1)");
    return softplus(scores).sub(y.mul(scores));
  }

  /**
   * Multiclass logistic (softmax cross-entropy) loss per row: ℓ(y, s) = logsumexp(s) − s_y.
   * Gradient in s: softmax(s) − e_y. Stable: the row maximum is subtracted before exponentiating.
   * Cost O(nk); no (n, k) temporary beyond those of the log-sum-exp.
   * <pre>{@code
   * Tensor l = Losses.multiclassLogistic(new int[] {1}, Tensor.of(new double[][] {{0, 0}}));   // [log 2]
   * }</pre>
   * @param labels integer labels in [0, k), one per row of scores
   * @param scores (n, k)
   * @throws IllegalArgumentException if a label is outside [0, k)
   */
  public static Tensor multiclassLogistic(int[] labels, Tensor scores) {
    Checks.rank("multiclassLogistic", "scores", scores, 2);
    Checks.labels("multiclassLogistic", labels, scores.dim(0), scores.dim(1));
    return rowLogsumexp(scores).sub(pick(scores, labels));
  }

  /**
   * Multiclass logistic loss with label distributions: ℓ(Y_i, s_i) = logsumexp(s_i) − ⟨Y_i, s_i⟩ (the
   * cross-entropy when the rows of Y are one-hot or probability vectors). Gradient in s: softmax(s) − Y.
   * <pre>{@code
   * Tensor Y = Tensor.oneHot(Tensor.of(1, 0), 3);
   * Tensor l = Losses.multiclassLogistic(Y, scores);
   * }</pre>
   * @param Y (n, k), rows non-negative summing to 1
   * @param scores (n, k)
   */
  public static Tensor multiclassLogistic(Tensor Y, Tensor scores) {
    Checks.rank("multiclassLogistic", "scores", scores, 2);
    Checks.distributions("multiclassLogistic", Y, scores.dim(0), scores.dim(1));
    return rowLogsumexp(scores).sub(Y.mul(scores).sum(1));
  }

  /**
   * Multiclass hinge loss of Crammer and Singer per row: ℓ(y, s) = max_j (1[j ≠ y] + s_j) − s_y.
   * Its (sub)gradient is e_{j*} − e_y with j* the maximizer (split evenly at ties).
   * <pre>{@code
   * Tensor l = Losses.multiclassHinge(new int[] {0}, Tensor.of(new double[][] {{2, 0.5}}));   // [0]
   * }</pre>
   * @param labels integer labels in [0, k)
   * @param scores (n, k)
   */
  public static Tensor multiclassHinge(int[] labels, Tensor scores) {
    Checks.rank("multiclassHinge", "scores", scores, 2);
    int k = scores.dim(1);
    Checks.labels("multiclassHinge", labels, scores.dim(0), k);
    Tensor margins = Tensor.oneHot(labelTensor(labels), k).rsub(1.0); // 1[j ≠ y]
    return scores.add(margins).max(1).sub(pick(scores, labels));
  }

  /**
   * Sparsemax loss per row (Martins and Astudillo 2016, eq. 15):
   * ℓ(y, s) = ⟨p, s⟩ − ½‖p‖² + ½ − s_y with p = sparsemax(s), the projection of s onto the simplex.
   * It is ≥ 0, zero iff p = e_y, and its gradient in s is p − e_y.
   * <pre>{@code
   * Tensor l = Losses.multiclassSparsemax(new int[] {0}, Tensor.of(new double[][] {{3, 0, 0}}));   // [0]
   * }</pre>
   * @param labels integer labels in [0, k)
   * @param scores (n, k), finite
   */
  public static Tensor multiclassSparsemax(int[] labels, Tensor scores) {
    Checks.rank("multiclassSparsemax", "scores", scores, 2);
    Checks.labels("multiclassSparsemax", labels, scores.dim(0), scores.dim(1));
    scores.requireFinite("multiclassSparsemax: scores");
    Tensor p = io.github.implicitdiff.projection.Projections.sparsemax(scores);
    return p.mul(scores).sub(p.square().mul(0.5)).sum(1).add(0.5).sub(pick(scores, labels));
  }

  // ---------------------------------------------------------------- helpers shared with Objectives

  /**
   * softplus(s) = log(1 + e^s) = max(s, 0) + log1p(e^{−|s|}), with the derivative σ(s) everywhere,
   * including s = 0 (written with where(...) rather than relu/abs, whose kink conventions would give
   * derivative 0 at s = 0). Both branches stay finite, so no NaN reaches a cotangent.
   */
  static Tensor softplus(Tensor s) {
    Tensor positive = s.gt(0);
    Tensor zero = Tensor.zerosLike(s.concrete());
    Tensor ramp = Tensor.where(positive, s, zero);            // max(s, 0)
    Tensor minusAbs = Tensor.where(positive, s.neg(), s);      // −|s|, slope +1 at s = 0
    return ramp.add(minusAbs.exp().log1p());
  }

  /** log Σ_j e^{s_ij} per row, shifted by the concrete row maximum (the value is shift-invariant). */
  static Tensor rowLogsumexp(Tensor scores) {
    Tensor shift = scores.concrete().max(new int[] {1}, true);
    return scores.sub(shift).exp().sum(1).log().add(shift.reshape(-1));
  }

  /** s_{i, y_i} for each row i. */
  static Tensor pick(Tensor scores, int[] labels) {
    return scores.takeAlongAxis(labels, new int[] {labels.length, 1}, 1).reshape(-1);
  }

  static Tensor labelTensor(int[] labels) {
    double[] d = new double[labels.length];
    for (int i = 0; i < d.length; i++) d[i] = labels[i];
    return Tensor.of(d);
  }

  private static void requireSameShape(String op, Tensor y, Tensor scores) {
    Checks.present(op, "labels", y);
    Checks.present(op, "scores", scores);
    if (!Arrays.equals(y.shape(), scores.shape()))
      throw new ShapeException(op + ": labels " + y.shapeString() + " and scores " + scores.shapeString()
          + " must have the same shape");
  }
}

package io.github.implicitdiff.loss;

import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Training objectives f(params, hyperparameters, data): the mean of a per-sample loss of linear
 * predictions X·w (see {@link Losses}) plus an optional penalty. Every argument is explicit, and
 * hyperparameters are tensors, so that an implicit layer can differentiate the solution in them.
 * Argument order: parameters, then hyperparameters, then data (X, labels).
 *
 * <p>Intercepts are a separate argument b (a scalar for binary models, a (k,) vector for multiclass
 * ones) and are never penalized. Penalties are ½ Σ_j λ_j ‖w_j‖² with λ a scalar or one value per
 * feature (per row of w); see {@link #l2Penalty}.
 *
 * <pre>{@code
 * Tensor lambda = Tensor.scalar(0.1);
 * Tensor g = AD.grad(w -> Objectives.ridge(w, lambda, X, y), w0);   // Xᵀ(Xw − y)/n + λw
 * }</pre>
 *
 * <p>The multiclass SVM dual (JAXopt paper, hyperparameter experiment) is in {@link MulticlassSvm}.
 */
public final class Objectives {
  private Objectives() {}

  // ---------------------------------------------------------------- least squares

  /**
   * Least squares f(w) = (1/2n) ‖Xw − y‖² (Frobenius norm when w is a (d, k) matrix and y (n, k)).
   * <pre>{@code
   * Tensor f = Objectives.leastSquares(w, X, y);
   * }</pre>
   * @param w (d,) or (d, k)
   * @param X (n, d)
   * @param y (n,) or (n, k), the shape of X·w
   */
  public static Tensor leastSquares(Tensor w, Tensor X, Tensor y) {
    Checks.design("leastSquares", X, w);
    Checks.targets("leastSquares", X, w, y);
    return Checks.finiteOrNamed("leastSquares", X.matmul(w).sub(y).square().sum().mul(0.5 / X.dim(0)), "X, y, w", X, y, w);
  }

  /**
   * Ridge regression f(w, λ) = (1/2n) ‖Xw − y‖² + (λ/2) ‖w‖², or with one λ_j per feature
   * (1/2n) ‖Xw − y‖² + ½ Σ_j λ_j w_j². Gradient Xᵀ(Xw − y)/n + λ ⊙ w; Hessian XᵀX/n + diag(λ).
   * <pre>{@code
   * Tensor f = Objectives.ridge(w, Tensor.scalar(0.1), X, y);
   * }</pre>
   * @param lambda scalar or (d,), finite and ≥ 0
   */
  public static Tensor ridge(Tensor w, Tensor lambda, Tensor X, Tensor y) {
    return leastSquares(w, X, y).add(l2Penalty(w, lambda));
  }

  /**
   * The L2 penalty ½ Σ_j λ_j ‖w_j‖², where w_j is row j of w (entry j of a vector w) and λ is either a
   * scalar (½ λ ‖w‖²) or a vector with one value per row of w.
   * <pre>{@code
   * Tensor p = Objectives.l2Penalty(Tensor.of(1, 2), Tensor.of(1, 10));   // ½(1 + 40) = 20.5
   * }</pre>
   * @throws ShapeException if λ is neither a scalar nor of length w.dim(0)
   * @throws IllegalArgumentException if some λ_j is negative or not finite
   */
  public static Tensor l2Penalty(Tensor w, Tensor lambda) {
    Checks.nonNegative("l2Penalty", "lambda", lambda, false);
    Checks.present("l2Penalty", "w", w);
    if (lambda.size() == 1 && lambda.ndim() <= 1) return lambda.reshape().mul(w.square().sum()).mul(0.5);
    if (lambda.ndim() != 1 || w.ndim() < 1 || lambda.dim(0) != w.dim(0))
      throw new ShapeException("l2Penalty: lambda " + lambda.shapeString() + " must be a scalar or have one value"
          + " per row of w " + w.shapeString());
    Tensor rowNorms = w.ndim() == 1 ? w.square() : w.square().reshape(w.dim(0), -1).sum(1);
    return lambda.mul(rowNorms).sum().mul(0.5);
  }

  /**
   * Huber regression f(w, δ) = (1/n) Σ_i huber_δ(x_iᵀw − y_i), see {@link Losses#huber}.
   * <pre>{@code
   * Tensor f = Objectives.huberRegression(w, Tensor.scalar(1.35), X, y);
   * }</pre>
   */
  public static Tensor huberRegression(Tensor w, Tensor delta, Tensor X, Tensor y) {
    Checks.design("huberRegression", X, w);
    Checks.targets("huberRegression", X, w, y);
    return Checks.finiteOrNamed("huberRegression", Losses.huber(X.matmul(w).sub(y), delta).sum().div(X.dim(0)), "X, y, w",
        X, y, w);
  }

  // ---------------------------------------------------------------- binary logistic regression

  /**
   * Binary logistic regression f(w) = (1/n) Σ_i [log(1 + e^{s_i}) − y_i s_i] with s = Xw, labels in
   * {0, 1} (or soft labels in [0, 1]). Gradient Xᵀ(σ(Xw) − y)/n. Stable for any finite scores.
   * <pre>{@code
   * Tensor f = Objectives.binaryLogistic(w, X, Tensor.of(0, 1, 1));
   * }</pre>
   * @param w (d,)
   * @param X (n, d)
   * @param y (n,), values in [0, 1]
   */
  public static Tensor binaryLogistic(Tensor w, Tensor X, Tensor y) {
    checkBinary("binaryLogistic", w, X, y);
    return Checks.finiteOrNamed("binaryLogistic", Losses.binaryLogistic(y, X.matmul(w)).mean(), "X, w", X, w);
  }

  /**
   * Binary logistic regression with intercept: scores s = Xw + b, b a scalar tensor.
   * <pre>{@code
   * Tensor f = Objectives.binaryLogisticWithIntercept(w, Tensor.scalar(0.3), X, y);
   * }</pre>
   */
  public static Tensor binaryLogisticWithIntercept(Tensor w, Tensor b, Tensor X, Tensor y) {
    checkBinary("binaryLogisticWithIntercept", w, X, y);
    requireScalar("binaryLogisticWithIntercept", "intercept b", b);
    return Checks.finiteOrNamed("binaryLogisticWithIntercept", Losses.binaryLogistic(y, X.matmul(w).add(b.reshape())).mean(),
        "X, w, intercept b", X, w, b);
  }

  /**
   * L2-regularized binary logistic regression: {@link #binaryLogistic} + {@link #l2Penalty}(w, λ).
   * <pre>{@code
   * Tensor f = Objectives.l2BinaryLogistic(w, Tensor.scalar(0.01), X, y);
   * }</pre>
   */
  public static Tensor l2BinaryLogistic(Tensor w, Tensor lambda, Tensor X, Tensor y) {
    return binaryLogistic(w, X, y).add(l2Penalty(w, lambda));
  }

  /**
   * L2-regularized binary logistic regression with an unpenalized intercept b.
   * <pre>{@code
   * Tensor f = Objectives.l2BinaryLogisticWithIntercept(w, b, Tensor.scalar(0.01), X, y);
   * }</pre>
   */
  public static Tensor l2BinaryLogisticWithIntercept(Tensor w, Tensor b, Tensor lambda, Tensor X, Tensor y) {
    return binaryLogisticWithIntercept(w, b, X, y).add(l2Penalty(w, lambda));
  }

  // ---------------------------------------------------------------- multinomial logistic regression

  /**
   * Multinomial logistic regression f(W) = (1/n) Σ_i [logsumexp(s_i) − s_{i,y_i}] with S = XW.
   * Gradient Xᵀ(softmax(XW) − Y)/n. Evaluation is one matmul plus O(nk) work; reverse mode adds one
   * matmul (Xᵀ G) plus O(nk).
   * <pre>{@code
   * Tensor f = Objectives.multiclassLogistic(W, X, new int[] {0, 2, 1});
   * }</pre>
   * @param W (d, k)
   * @param X (n, d)
   * @param labels n integer labels in [0, k)
   */
  public static Tensor multiclassLogistic(Tensor W, Tensor X, int[] labels) {
    checkMulticlass("multiclassLogistic", W, X);
    return Checks.finiteOrNamed("multiclassLogistic", Losses.multiclassLogistic(labels, X.matmul(W)).mean(), "X, W", X, W);
  }

  /**
   * Multinomial logistic regression with one-hot (or soft) labels Y (n, k):
   * f(W) = (1/n) Σ_i [logsumexp(s_i) − ⟨Y_i, s_i⟩], S = XW.
   * <pre>{@code
   * Tensor f = Objectives.multiclassLogistic(W, X, Tensor.oneHot(labels, k));
   * }</pre>
   */
  public static Tensor multiclassLogistic(Tensor W, Tensor X, Tensor Y) {
    checkMulticlass("multiclassLogistic", W, X);
    return Checks.finiteOrNamed("multiclassLogistic", Losses.multiclassLogistic(Y, X.matmul(W)).mean(), "X, W", X, W);
  }

  /**
   * Multinomial logistic regression with intercept: S = XW + 1bᵀ, b of shape (k,).
   * <pre>{@code
   * Tensor f = Objectives.multiclassLogisticWithIntercept(W, b, X, labels);
   * }</pre>
   */
  public static Tensor multiclassLogisticWithIntercept(Tensor W, Tensor b, Tensor X, int[] labels) {
    checkMulticlass("multiclassLogisticWithIntercept", W, X);
    checkIntercept("multiclassLogisticWithIntercept", W, b);
    return Checks.finiteOrNamed("multiclassLogisticWithIntercept", Losses.multiclassLogistic(labels, X.matmul(W).add(b)).mean(),
        "X, W, intercept b", X, W, b);
  }

  /**
   * L2-regularized multinomial logistic regression: {@link #multiclassLogistic(Tensor, Tensor, int[])}
   * + {@link #l2Penalty}(W, λ), λ scalar or one value per feature (row of W).
   * <pre>{@code
   * Tensor f = Objectives.l2MulticlassLogistic(W, Tensor.scalar(1e-3), X, labels);
   * }</pre>
   */
  public static Tensor l2MulticlassLogistic(Tensor W, Tensor lambda, Tensor X, int[] labels) {
    return multiclassLogistic(W, X, labels).add(l2Penalty(W, lambda));
  }

  /**
   * L2-regularized multinomial logistic regression with an unpenalized intercept b (k,).
   * <pre>{@code
   * Tensor f = Objectives.l2MulticlassLogisticWithIntercept(W, b, Tensor.scalar(1e-3), X, labels);
   * }</pre>
   */
  public static Tensor l2MulticlassLogisticWithIntercept(Tensor W, Tensor b, Tensor lambda, Tensor X, int[] labels) {
    return multiclassLogisticWithIntercept(W, b, X, labels).add(l2Penalty(W, lambda));
  }

  // ---------------------------------------------------------------- checks

  private static void checkBinary(String op, Tensor w, Tensor X, Tensor y) {
    Checks.rank(op, "w", w, 1);
    Checks.design(op, X, w);
    Checks.binaryLabels(op, y, X.dim(0));
  }

  private static void checkMulticlass(String op, Tensor W, Tensor X) {
    Checks.rank(op, "W", W, 2);
    Checks.design(op, X, W);
  }

  private static void checkIntercept(String op, Tensor W, Tensor b) {
    Checks.present(op, "intercept b", b);
    if (b.ndim() != 1 || b.dim(0) != W.dim(1))
      throw new ShapeException(op + ": intercept b " + b.shapeString() + " must have shape [" + W.dim(1)
          + "] (one per class of W " + W.shapeString() + ")");
  }

  private static void requireScalar(String op, String name, Tensor t) {
    Checks.present(op, name, t);
    if (t.size() != 1 || t.ndim() > 1)
      throw new ShapeException(op + ": " + name + " must be a scalar, got shape " + t.shapeString());
  }
}

package io.github.implicitdiff.prox;

import io.github.implicitdiff.projection.Degeneracy;
import io.github.implicitdiff.tensor.Shapes;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Proximal operators prox_{ηg}(x) = argmin_z ½‖z − x‖² + η g(z), written in tensor operations so that
 * they differentiate in x and in the hyperparameters of g (λ, …), which are explicit tensor arguments.
 * Hyperparameters broadcast against x and must be non-negative; the step η ≥ 0 is a plain number.
 *
 * <p>At a kink (|x_i| = ηλ for soft thresholding, x_i = 0 for a non-negativity constraint, ‖x_g‖ = ηλ
 * for the group lasso) the output is 0 and its derivative is taken as 0: the coordinate counts as
 * thresholded. {@link #lassoDegeneracy} reports such points.
 */
public final class Prox {
  private Prox() {}

  /**
   * g = 0: prox(x) = x.
   * <pre>{@code
   * Prox.identity(Tensor.of(1, -2));   // [1, -2]
   * }</pre>
   */
  public static Tensor identity(Tensor x) {
    Checks.x("Prox.identity", x);
    return x;
  }

  /**
   * Lasso, g(z) = Σ λ_i |z_i|: soft thresholding sign(x)·max(|x| − ηλ, 0).
   * <pre>{@code
   * Prox.lasso(Tensor.of(3, -0.5, -2), Tensor.scalar(1), 1.0);   // [2, 0, -1]
   * }</pre>
   * ∂/∂x is 1 where |x| &gt; ηλ and 0 elsewhere (also at |x| = ηλ); ∂/∂λ is −η sign(x) where |x| &gt; ηλ.
   */
  public static Tensor lasso(Tensor x, Tensor lambda, double eta) {
    String op = "Prox.lasso";
    Checks.x(op, x);
    Checks.eta(op, eta);
    Checks.hyperparameter(op, "λ", lambda, x.shape());
    return softThreshold(x, lambda.mul(eta));
  }

  /**
   * Coordinates of x within {@code tolerance} of the soft-threshold kink |x_i| = ηλ_i.
   * <pre>{@code
   * Prox.lassoDegeneracy(Tensor.of(1, 0.3), Tensor.scalar(1), 1.0, 1e-12).ties();   // 1
   * }</pre>
   */
  public static Degeneracy lassoDegeneracy(Tensor x, Tensor lambda, double eta, double tolerance) {
    String op = "Prox.lassoDegeneracy";
    Checks.x(op, x);
    Checks.eta(op, eta);
    Checks.hyperparameter(op, "λ", lambda, x.shape());
    if (!(tolerance >= 0) || tolerance == Double.POSITIVE_INFINITY)
      throw new IllegalArgumentException(op + ": tolerance must be finite and non-negative, got " + tolerance);
    Tensor ties = x.concrete().abs().sub(lambda.concrete().mul(eta)).abs().le(tolerance);
    return Degeneracy.fromMask(ties.broadcastTo(x.shape()), tolerance);
  }

  /**
   * Non-negative lasso, g(z) = Σ λ_i z_i + ι(z ≥ 0): max(x − ηλ, 0).
   * <pre>{@code
   * Prox.nonNegativeLasso(Tensor.of(3, -0.5), Tensor.scalar(1), 1.0);   // [2, 0]
   * }</pre>
   */
  public static Tensor nonNegativeLasso(Tensor x, Tensor lambda, double eta) {
    String op = "Prox.nonNegativeLasso";
    Checks.x(op, x);
    Checks.eta(op, eta);
    Checks.hyperparameter(op, "λ", lambda, x.shape());
    Tensor shifted = x.sub(lambda.mul(eta));
    return Tensor.where(shifted.gt(0), shifted, Tensor.zerosLike(x));
  }

  /**
   * Elastic net, g(z) = Σ λ1_i |z_i| + ½ Σ λ2_i z_i²: soft(x, ηλ1)/(1 + ηλ2).
   * <pre>{@code
   * Prox.elasticNet(Tensor.of(3, -0.5), Tensor.scalar(1), Tensor.scalar(1), 1.0);   // [1, 0]
   * }</pre>
   */
  public static Tensor elasticNet(Tensor x, Tensor lambda1, Tensor lambda2, double eta) {
    String op = "Prox.elasticNet";
    Checks.x(op, x);
    Checks.eta(op, eta);
    Checks.hyperparameter(op, "λ1", lambda1, x.shape());
    Checks.hyperparameter(op, "λ2", lambda2, x.shape());
    return softThreshold(x, lambda1.mul(eta)).div(lambda2.mul(eta).add(1));
  }

  /**
   * Group lasso, g(z) = λ Σ_g ‖z_g‖₂, each group a slice of x along {@code axis} (for a matrix and
   * axis 1, the rows): z_g = max(1 − ηλ/‖x_g‖, 0) x_g, a zero block when ‖x_g‖ ≤ ηλ.
   * <pre>{@code
   * Prox.groupLasso(Tensor.of(new double[][] {{3, 4}, {0.3, 0.4}}), Tensor.scalar(1), 1.0, 1);
   * // [[2.4, 3.2], [0, 0]]
   * }</pre>
   * λ is a scalar or broadcasts to the shape of the group norms (x's shape with {@code axis} of length 1).
   */
  public static Tensor groupLasso(Tensor x, Tensor lambda, double eta, int axis) {
    String op = "Prox.groupLasso";
    Checks.x(op, x);
    Checks.eta(op, eta);
    int a = Shapes.axis(op, axis, x.ndim());
    int[] groupShape = x.shape();
    groupShape[a] = 1;
    Checks.hyperparameter(op, "λ", lambda, groupShape);
    Tensor squares = x.square().sum(new int[] {a}, true);
    Tensor threshold = lambda.mul(eta);
    Tensor keep = squares.sqrt().gt(threshold).broadcastTo(groupShape);
    // ‖x_g‖ with 1 substituted in dropped groups, so that no 0/0 reaches a derivative
    Tensor norm = Tensor.where(keep, squares, Tensor.onesLike(squares)).sqrt();
    Tensor scale = Tensor.where(keep, threshold.div(norm).rsub(1.0), Tensor.zeros(groupShape));
    return x.mul(scale);
  }

  /**
   * Ridge, g(z) = ½ Σ λ_i z_i²: x/(1 + ηλ).
   * <pre>{@code
   * Prox.ridge(Tensor.of(2, -4), Tensor.scalar(1), 1.0);   // [1, -2]
   * }</pre>
   */
  public static Tensor ridge(Tensor x, Tensor lambda, double eta) {
    String op = "Prox.ridge";
    Checks.x(op, x);
    Checks.eta(op, eta);
    Checks.hyperparameter(op, "λ", lambda, x.shape());
    return x.div(lambda.mul(eta).add(1));
  }

  /**
   * Non-negative ridge, g(z) = ½ Σ λ_i z_i² + ι(z ≥ 0): max(x, 0)/(1 + ηλ).
   * <pre>{@code
   * Prox.nonNegativeRidge(Tensor.of(2, -4), Tensor.scalar(1), 1.0);   // [1, 0]
   * }</pre>
   */
  public static Tensor nonNegativeRidge(Tensor x, Tensor lambda, double eta) {
    String op = "Prox.nonNegativeRidge";
    Checks.x(op, x);
    Checks.eta(op, eta);
    Checks.hyperparameter(op, "λ", lambda, x.shape());
    return Tensor.where(x.gt(0), x, Tensor.zerosLike(x)).div(lambda.mul(eta).add(1));
  }

  /** sign(x)·max(|x| − t, 0) with t ≥ 0; the kink |x| = t counts as thresholded. */
  private static Tensor softThreshold(Tensor x, Tensor t) {
    Tensor keep = x.abs().gt(t);
    return Tensor.where(keep, x.sub(x.sign().mul(t)), Tensor.zerosLike(x)).broadcastTo(x.shape());
  }
}

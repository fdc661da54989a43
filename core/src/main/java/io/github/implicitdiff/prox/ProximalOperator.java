package io.github.implicitdiff.prox;

import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.tensor.Tensor;

/**
 * A proximal operator x ↦ prox_{η g(·; θ)}(x) = argmin_z ½‖z − x‖² + η g(z; θ) whose hyperparameters θ
 * are explicit tensor arguments, so that a solver can differentiate its solution with respect to them.
 * Never capture a hyperparameter you differentiate in a closure: pass it in {@code theta}.
 *
 * <pre>{@code
 * ProximalOperator prox = ProximalOperator.lasso();
 * Tensor z = prox.apply(x, 0.1, Tensor.scalar(0.5));                                // step 0.1, λ = 0.5
 * Tensor dzdl = AD.jacobian(lam -> prox.apply(x, 0.1, lam), Tensor.scalar(0.5));   // derivative in λ
 * }</pre>
 */
@FunctionalInterface
public interface ProximalOperator {
  /** prox_{η g(·; θ)}(x). */
  Tensor apply(Tensor x, double eta, Tensor... theta);

  /** g = 0; no hyperparameters. */
  static ProximalOperator identity() {
    return (x, eta, t) -> {
      Checks.count("ProximalOperator.identity", t, 0, "none");
      Checks.eta("ProximalOperator.identity", eta);
      return Prox.identity(x);
    };
  }

  /** g = λ‖z‖₁; hyperparameter (λ). */
  static ProximalOperator lasso() {
    return (x, eta, t) -> {
      Checks.count("ProximalOperator.lasso", t, 1, "λ");
      return Prox.lasso(x, t[0], eta);
    };
  }

  /** g = λΣz + ι(z ≥ 0); hyperparameter (λ). */
  static ProximalOperator nonNegativeLasso() {
    return (x, eta, t) -> {
      Checks.count("ProximalOperator.nonNegativeLasso", t, 1, "λ");
      return Prox.nonNegativeLasso(x, t[0], eta);
    };
  }

  /** g = λ1‖z‖₁ + ½λ2‖z‖²; hyperparameters (λ1, λ2). */
  static ProximalOperator elasticNet() {
    return (x, eta, t) -> {
      Checks.count("ProximalOperator.elasticNet", t, 2, "λ1, λ2");
      return Prox.elasticNet(x, t[0], t[1], eta);
    };
  }

  /** g = λ Σ_g ‖z_g‖₂ with groups the slices along {@code axis}; hyperparameter (λ). */
  static ProximalOperator groupLasso(int axis) {
    return (x, eta, t) -> {
      Checks.count("ProximalOperator.groupLasso", t, 1, "λ");
      return Prox.groupLasso(x, t[0], eta, axis);
    };
  }

  /** g = ½λ‖z‖²; hyperparameter (λ). */
  static ProximalOperator ridge() {
    return (x, eta, t) -> {
      Checks.count("ProximalOperator.ridge", t, 1, "λ");
      return Prox.ridge(x, t[0], eta);
    };
  }

  /** g = ½λ‖z‖² + ι(z ≥ 0); hyperparameter (λ). */
  static ProximalOperator nonNegativeRidge() {
    return (x, eta, t) -> {
      Checks.count("ProximalOperator.nonNegativeRidge", t, 1, "λ");
      return Prox.nonNegativeRidge(x, t[0], eta);
    };
  }

  /**
   * g = ι_C(θ), the indicator of a set: the prox is the projection for every η, and θ are the set's
   * parameters.
   * <pre>{@code
   * ProximalOperator prox = ProximalOperator.fromProjection(Projection.l2Ball());
   * prox.apply(Tensor.of(3, 4), 0.5, Tensor.scalar(1));   // [0.6, 0.8]
   * }</pre>
   */
  static ProximalOperator fromProjection(Projection projection) {
    if (projection == null) throw new IllegalArgumentException("ProximalOperator.fromProjection: projection is null");
    return (x, eta, t) -> {
      Checks.eta("ProximalOperator.fromProjection", eta);
      return projection.apply(x, t);
    };
  }
}

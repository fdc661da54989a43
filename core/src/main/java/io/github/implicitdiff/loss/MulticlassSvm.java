package io.github.implicitdiff.loss;

import io.github.implicitdiff.optimality.CompositeLinearObjective;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The multiclass linear SVM of Crammer and Singer, primal and dual, as in the JAXopt paper's
 * hyperparameter experiment (and jaxopt's {@code objective.multiclass_linear_svm_dual}).
 *
 * <p>Data: X (m, p), one-hot labels Y (m, k), regularization λ > 0. Primal (eq. P):
 * <pre>
 *   P(W) = (λ/2) ‖W‖²_F + Σ_i max_j (1[j ≠ y_i] + (XW)_ij − (XW)_{i,y_i}).
 * </pre>
 * Writing each max as a maximum over β_i in the simplex and minimizing the Lagrangian in W gives
 * W = Xᵀ(Y − β)/λ (eq. W) and the dual, stated as a minimization (eq. D):
 * <pre>
 *   f(β, λ) = (1/(2λ)) ‖Xᵀ(Y − β)‖²_F + ⟨β, Y − 1⟩,   each row β_i in the simplex,
 * </pre>
 * with strong duality P(W(β*)) = −f(β*, λ) and weak duality P(W(β)) ≥ −f(β, λ) for any feasible β.
 * Sign conventions follow jaxopt: its linear term is ⟨β, Y − 1⟩. On the feasible set ⟨β, 1⟩ = m, so
 * the variant ⟨β, Y⟩ differs only by the constant m (same minimizer, same projected-gradient steps),
 * but only the form used here satisfies strong duality with P exactly.
 *
 * <pre>{@code
 * Tensor Y = Tensor.oneHot(labels, k);
 * Tensor beta = Y;                                                 // a feasible point
 * Tensor grad = AD.grad(b -> MulticlassSvm.dual(b, lambda, X, Y), beta);
 * Tensor W = MulticlassSvm.primalWeights(beta, lambda, X, Y);
 * }</pre>
 */
public final class MulticlassSvm {
  private MulticlassSvm() {}

  /**
   * The dual objective (eq. D) f(β, λ) = (1/(2λ)) ‖Xᵀ(Y − β)‖²_F + ⟨β, Y − 1⟩; gradient in β:
   * −X W(β) + Y − 1 with W(β) from {@link #primalWeights}. Cost: one (p, m)·(m, k) product.
   * <pre>{@code
   * Tensor f = MulticlassSvm.dual(beta, Tensor.scalar(0.1), X, Y);
   * }</pre>
   * @param beta (m, k) dual variables, each row in the simplex (not checked: β may be any point)
   * @param lambda scalar λ > 0
   * @param X (m, p)
   * @param Y (m, k) one-hot labels
   * @throws IllegalArgumentException if λ ≤ 0 or a row of Y is not a probability vector
   */
  public static Tensor dual(Tensor beta, Tensor lambda, Tensor X, Tensor Y) {
    check("dual", beta, lambda, X, Y);
    // ‖Xᵀ(Y − β)‖_F = ‖(Y − β)ᵀX‖_F: transposing the (m, k) factor instead of X saves a copy of X per evaluation,
    // which dominated solvers that evaluate f often (block coordinate descent: once per row)
    Tensor V = Y.sub(beta).T().matmul(X); // (k, p)
    return Checks.finiteOrNamed("MulticlassSvm.dual", V.square().sum().div(lambda.reshape().mul(2)).add(beta.mul(Y.sub(1)).sum()),
        "X, beta", X, beta);
  }

  /**
   * The dual objective (eq. D) in composite-linear form, θ = (λ): f(β, λ) = h(Xᵀβ, λ) + ⟨Y − 1, β⟩ with
   * h(z, λ) = (1/(2λ)) ‖XᵀY − z‖²_F, A = X (row i of X pairs with row β_i) and c = Y − 1. Equal to
   * {@link #dual} in value and gradient; block coordinate descent over the rows of β uses its structure to
   * update Xᵀβ row by row instead of evaluating the dual in full (XᵀY is computed once, here).
   * <pre>{@code
   * CompositeLinearObjective f = MulticlassSvm.dualComposite(X, Y);
   * Tensor value = f.apply(beta, Tensor.scalar(0.1));   // = MulticlassSvm.dual(beta, 0.1, X, Y)
   * }</pre>
   * @param X (m, p)
   * @param Y (m, k) one-hot labels (or label distributions)
   * @throws IllegalArgumentException if an argument is null or a row of Y is not a probability vector; when
   *     evaluated, if θ is not the single scalar λ > 0
   */
  public static CompositeLinearObjective dualComposite(Tensor X, Tensor Y) {
    String op = "MulticlassSvm.dualComposite";
    if (X == null || Y == null) throw new IllegalArgumentException(op + ": X and Y must not be null");
    checkData(op, X, Y);
    Tensor XtY = Y.T().matmul(X).T(); // (YᵀX)ᵀ: no copy of X
    return CompositeLinearObjective.of((z, th) -> {
      if (th.length != 1)
        throw new IllegalArgumentException(op + ": expected θ = (λ), got " + th.length + " tensors");
      checkLambda(op, th[0]);
      return XtY.sub(z).square().sum().div(th[0].reshape().mul(2));
    }, X, Y.sub(1));
  }

  /**
   * The primal weights of a dual point (eq. W): W(β) = Xᵀ(Y − β)/λ, shape (p, k).
   * <pre>{@code
   * Tensor W = MulticlassSvm.primalWeights(betaStar, lambda, X, Y);
   * }</pre>
   */
  public static Tensor primalWeights(Tensor beta, Tensor lambda, Tensor X, Tensor Y) {
    check("primalWeights", beta, lambda, X, Y);
    Tensor W = Y.sub(beta).T().matmul(X).T().div(lambda.reshape()); // ((Y − β)ᵀX)ᵀ: no copy of X
    return Checks.finiteOrNamed("MulticlassSvm.primalWeights", W, "X, beta", X, beta);
  }

  /**
   * The primal objective (eq. P) P(W) = (λ/2) ‖W‖²_F + Σ_i max_j (1[j ≠ y_i] + s_ij − s_{i,y_i}),
   * S = XW: a sum (not a mean) of {@link Losses#multiclassHinge} losses, the scaling that matches eq. D.
   * <pre>{@code
   * Tensor P = MulticlassSvm.primal(W, lambda, X, labels);
   * }</pre>
   * @param W (p, k)
   * @param lambda scalar λ > 0
   * @param X (m, p)
   * @param labels m integer labels in [0, k)
   */
  public static Tensor primal(Tensor W, Tensor lambda, Tensor X, int[] labels) {
    Checks.rank("MulticlassSvm.primal", "W", W, 2);
    Checks.design("MulticlassSvm.primal", X, W);
    checkLambda("MulticlassSvm.primal", lambda);
    Checks.present("MulticlassSvm.primal", "labels", labels);
    Tensor hinge = Losses.multiclassHinge(labels, X.matmul(W)).sum();
    return Checks.finiteOrNamed("MulticlassSvm.primal", hinge.add(lambda.reshape().mul(W.square().sum()).mul(0.5)), "X, W", X, W);
  }

  private static void check(String what, Tensor beta, Tensor lambda, Tensor X, Tensor Y) {
    String op = "MulticlassSvm." + what;
    checkData(op, X, Y);
    Checks.present(op, "beta", beta);
    if (beta.ndim() != 2 || beta.dim(0) != Y.dim(0) || beta.dim(1) != Y.dim(1))
      throw new ShapeException(op + ": beta " + beta.shapeString() + " must have the shape of Y " + Y.shapeString());
    checkLambda(op, lambda);
  }

  private static void checkData(String op, Tensor X, Tensor Y) {
    Checks.rank(op, "X", X, 2);
    Checks.rank(op, "Y", Y, 2);
    if (Y.dim(0) != X.dim(0))
      throw new ShapeException(op + ": X " + X.shapeString() + " has " + X.dim(0) + " rows but Y " + Y.shapeString()
          + " has " + Y.dim(0) + "; pass one label row per sample");
    Checks.distributions(op, Y, Y.dim(0), Y.dim(1));
  }

  private static void checkLambda(String op, Tensor lambda) {
    if (lambda.size() != 1 || lambda.ndim() > 1)
      throw new ShapeException(op + ": lambda must be a scalar, got shape " + lambda.shapeString());
    Checks.nonNegative(op, "lambda", lambda, true);
  }
}

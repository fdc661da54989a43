package io.github.implicitdiff.implicit;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.linalg.LinearOperator;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * An a-posteriori error bar for the implicit Jacobian at an approximate root x̂ (Blondel et al.,
 * Theorem 1): ‖J(x̂) − ∂x*‖ ≤ (β/α + γR/α²) ‖x̂ − x*‖, where J(x̂) = −A(x̂)⁻¹B(x̂), A = ∂₁F, B = ∂₂F,
 * α = σ_min(A), β and γ the Lipschitz constants of B and A in x, R = ‖B‖₂.
 *
 * <p>Estimated on dense Jacobians (for small n): ‖x̂ − x*‖ by the Newton step δ = A⁻¹F(x̂, θ);
 * β ≈ ‖B(x̂ − δ) − B(x̂)‖₂ / ‖δ‖ and γ ≈ ‖A(x̂ − δ) − A(x̂)‖₂ / ‖δ‖ (secant estimates along the Newton
 * step; exact when A and B are affine in x).
 *
 * <pre>{@code
 * JacobianErrorEstimate e = JacobianErrorEstimate.at(F, xHat, theta, LinearSolvers.lu());
 * double bound = e.bound();          // error bar on the implicit Jacobian at xHat
 * Tensor J = e.jacobian();           // −A⁻¹B at xHat, shape (n, size of θ)
 * JacobianErrorEstimate e2 = JacobianErrorEstimate.at(F, xHat, LinearSolvers.lu(), theta1, theta2);   // several θ
 * }</pre>
 *
 * @param jacobian J(x̂) = −A⁻¹B, shape (n, p) with p the size of θ (the total size of the θ's)
 * @param distance ‖δ‖, the Newton estimate of ‖x̂ − x*‖
 * @param alpha σ_min(∂₁F(x̂, θ))
 * @param beta Lipschitz estimate of ∂₂F in x
 * @param gamma Lipschitz estimate of ∂₁F in x
 * @param bNorm R = ‖∂₂F(x̂, θ)‖₂
 * @param bound (β/α + γR/α²) · distance
 */
public record JacobianErrorEstimate(Tensor jacobian, double distance, double alpha, double beta, double gamma,
    double bNorm, double bound) {

  /** Estimates the error bar at x̂ (a vector) for one parameter tensor θ. */
  public static JacobianErrorEstimate at(Optimality F, Tensor xHat, Tensor theta, LinearSolver dense) {
    return at(F, xHat, dense, theta);
  }

  /**
   * Estimates the error bar at x̂ (a vector) for the parameters θ = (θ_1, ..., θ_m), as F takes them everywhere
   * else ({@code customRoot}, the solvers): B = ∂₂F = [∂F/∂θ_1, ..., ∂F/∂θ_m] stacks the flattened θ's side by
   * side, so the Jacobian has shape (n, Σ size(θ_i)), its columns in the order of the θ's, and R = ‖B‖₂ is the
   * norm of the whole block row.
   *
   * <pre>{@code
   * // F(x, θ) = A x − b − c ⊙ x³ with θ = (b, c)
   * JacobianErrorEstimate e = JacobianErrorEstimate.at(F, xHat, LinearSolvers.lu(), b, c);
   * Tensor dxdb = e.jacobian().slice(1, 0, b.size());   // the columns of θ_1 = b
   * }</pre>
   */
  public static JacobianErrorEstimate at(Optimality F, Tensor xHat, LinearSolver dense, Tensor... theta) {
    if (xHat.ndim() != 1) throw new ShapeException("JacobianErrorEstimate: x̂ must be a vector, got " + xHat.shapeString());
    if (theta == null || theta.length == 0)
      throw new IllegalArgumentException("JacobianErrorEstimate: needs at least one parameter tensor θ");
    int[][] shapes = new int[theta.length][];
    Tensor[] concrete = new Tensor[theta.length];
    for (int i = 0; i < theta.length; i++) {
      if (theta[i] == null) throw new IllegalArgumentException("JacobianErrorEstimate: θ_" + i + " is null");
      concrete[i] = theta[i].concrete();
      shapes[i] = concrete[i].shape();
    }
    // F on one flat parameter vector t = (vec θ_1, ..., vec θ_m): its Jacobian in t is the stacked B
    Optimality flatF = (z, t) -> F.apply(z, Implicit.split(t[0], shapes));
    Tensor x = xHat.concrete(), th = Implicit.flatten(concrete);
    int n = x.dim(0), p = th.size();
    Tensor A = AD.jacobian(z -> flatF.apply(z, th), x, AD.Mode.FORWARD);
    Tensor B = AD.jacobian(t -> flatF.apply(x, t), th, AD.Mode.FORWARD).reshape(n, p);
    Tensor delta = dense.solve(LinearOperator.dense(A), flatF.apply(x, th)).orThrow();
    Tensor jac = dense.solveColumns(LinearOperator.dense(A), B).neg();
    double dist = delta.norm2();
    double[] sv = SingularValues.range(A.toArray2d());
    double alpha = sv[1];
    double beta = 0, gamma = 0;
    if (dist > 0) {
      Tensor x2 = x.sub(delta);
      Tensor A2 = AD.jacobian(z -> flatF.apply(z, th), x2, AD.Mode.FORWARD);
      Tensor B2 = AD.jacobian(t -> flatF.apply(x2, t), th, AD.Mode.FORWARD).reshape(n, p);
      gamma = SingularValues.range(A2.sub(A).toArray2d())[0] / dist;
      beta = SingularValues.range(B2.sub(B).toArray2d())[0] / dist;
    }
    double R = SingularValues.range(B.toArray2d())[0];
    double bound = (beta / alpha + gamma * R / (alpha * alpha)) * dist;
    return new JacobianErrorEstimate(jac, dist, alpha, beta, gamma, R, bound);
  }
}

package io.github.implicitdiff.optimality;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.FixedPointMap;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.implicit.TupleOptimality;
import io.github.implicitdiff.linalg.DenseSolve;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * Optimality conditions of optimization problems, built from the objective with automatic
 * differentiation: roots F(x, θ) = 0 ({@link Optimality}, {@link TupleOptimality}) and fixed points
 * x = T(x, θ) ({@link FixedPointMap}) to hand to {@code Implicit.customRoot} / {@code customFixedPoint}.
 *
 * <p>Hyperparameters θ are passed whole to every part (objective, constraints, prox, projection); each
 * part reads the entries it needs, for example θ = (λ_f, λ_g) with f using θ[0] and the prox θ[1].
 *
 * <pre>{@code
 * Objective ridge = (w, th) -> Objectives.ridge(w, th[0], X, y);
 * Optimality F = OptimalityConditions.stationarity(ridge);          // Xᵀ(Xw − y)/n + λw
 * MultiInputFunction wStar = Implicit.customRoot(F, th -> solveRidge(th[0]));
 * }</pre>
 */
public final class OptimalityConditions {
  private OptimalityConditions() {}

  // ---------------------------------------------------------------- roots

  /**
   * Stationarity of an unconstrained problem min_x f(x, θ): F(x, θ) = ∇₁f(x, θ).
   * <pre>{@code
   * Optimality F = OptimalityConditions.stationarity((x, th) -> x.sub(th[0]).square().sum());   // 2(x − θ)
   * }</pre>
   * @param f scalar objective
   */
  public static Optimality stationarity(Objective f) {
    present("stationarity", "objective f", f);
    return (x, theta) -> AD.grad(v -> f.apply(v, theta), x);
  }

  /**
   * KKT conditions of min_x f(x, θ) s.t. H(x, θ) = 0, G(x, θ) ≤ 0, on the tuple (x, ν, μ) of the primal
   * variable and the multipliers of H and G. With the Lagrangian L = f + ⟨ν, H⟩ + ⟨μ, G⟩
   * (Boyd and Vandenberghe, Convex Optimization, eq. 5.49, μ ≥ 0), the residuals are
   * <pre>
   *   stationarity             ∇₁f(x, θ) + ∂₁H(x, θ)ᵀ ν + ∂₁G(x, θ)ᵀ μ   (shape of x)
   *   primal feasibility       H(x, θ)                                   (shape of ν)
   *   complementary slackness  μ ⊙ G(x, θ)                               (shape of μ)
   * </pre>
   * The sign conditions μ ≥ 0 and G ≤ 0 are inequalities and are not part of the root; the solver
   * must ensure them. Where a constraint is weakly active (μ_i = 0 and G_i = 0) the Jacobian of the
   * last block is singular and implicit differentiation is ill-posed.
   * <pre>{@code
   * TupleOptimality F = OptimalityConditions.kkt(f, (x, th) -> A.matmul(x).sub(th[1]), (x, th) -> x.neg());
   * Tensor[] residuals = F.apply(new Tensor[] {x, nu, mu}, theta);
   * }</pre>
   */
  public static TupleOptimality kkt(Objective f, Constraint H, Constraint G) {
    present("kkt", "objective f", f);
    present("kkt", "equality constraint H", H);
    present("kkt", "inequality constraint G", G);
    return (z, theta) -> {
      requireTuple("kkt", z, 3, "(x, ν, μ)");
      Tensor x = z[0], nu = z[1], mu = z[2];
      Tensor h = H.apply(x, theta), g = G.apply(x, theta);
      requireMultiplier("kkt", "ν", nu, "H", h);
      requireMultiplier("kkt", "μ", mu, "G", g);
      Tensor stationarity = AD.grad(
          v -> f.apply(v, theta).add(nu.mul(H.apply(v, theta)).sum()).add(mu.mul(G.apply(v, theta)).sum()), x);
      return new Tensor[] {stationarity, h, mu.mul(g)};
    };
  }

  /**
   * KKT conditions with equality constraints only, on (x, ν): (∇₁f + ∂₁Hᵀν, H). See
   * {@link #kkt(Objective, Constraint, Constraint)}.
   * <pre>{@code
   * TupleOptimality F = OptimalityConditions.kktEquality(f, (x, th) -> A.matmul(x).sub(b));
   * }</pre>
   */
  public static TupleOptimality kktEquality(Objective f, Constraint H) {
    present("kktEquality", "objective f", f);
    present("kktEquality", "equality constraint H", H);
    return (z, theta) -> {
      requireTuple("kktEquality", z, 2, "(x, ν)");
      Tensor x = z[0], nu = z[1];
      Tensor h = H.apply(x, theta);
      requireMultiplier("kktEquality", "ν", nu, "H", h);
      Tensor stationarity = AD.grad(v -> f.apply(v, theta).add(nu.mul(H.apply(v, theta)).sum()), x);
      return new Tensor[] {stationarity, h};
    };
  }

  /**
   * KKT conditions with inequality constraints only, on (x, μ): (∇₁f + ∂₁Gᵀμ, μ ⊙ G). See
   * {@link #kkt(Objective, Constraint, Constraint)}.
   * <pre>{@code
   * TupleOptimality F = OptimalityConditions.kktInequality(f, (x, th) -> x.sub(th[1]));   // x ≤ u
   * }</pre>
   */
  public static TupleOptimality kktInequality(Objective f, Constraint G) {
    present("kktInequality", "objective f", f);
    present("kktInequality", "inequality constraint G", G);
    return (z, theta) -> {
      requireTuple("kktInequality", z, 2, "(x, μ)");
      Tensor x = z[0], mu = z[1];
      Tensor g = G.apply(x, theta);
      requireMultiplier("kktInequality", "μ", mu, "G", g);
      Tensor stationarity = AD.grad(v -> f.apply(v, theta).add(mu.mul(G.apply(v, theta)).sum()), x);
      return new Tensor[] {stationarity, mu.mul(g)};
    };
  }

  // ---------------------------------------------------------------- fixed points

  /**
   * Proximal-gradient fixed point of min_x f(x, θ) + g(x, θ): T(x, θ) = prox_{ηg}(x − η∇₁f(x, θ), θ).
   * x* is a solution iff x* = T(x*, θ), for any η > 0 (convex f, g).
   * <pre>{@code
   * FixedPointMap T = OptimalityConditions.proximalGradientFixedPoint(f, softThreshold, 0.1);
   * MultiInputFunction xStar = Implicit.customFixedPoint(T, th -> solver.run(x0, th).orThrow());
   * }</pre>
   * @param eta step size η > 0 (any value gives the same fixed points; 1/L conditions the system well)
   */
  public static FixedPointMap proximalGradientFixedPoint(Objective f, ProximalOperator prox, double eta) {
    requireStep("proximalGradientFixedPoint", eta);
    present("proximalGradientFixedPoint", "objective f", f);
    present("proximalGradientFixedPoint", "prox", prox);
    return (x, theta) -> prox.apply(x.sub(AD.grad(v -> f.apply(v, theta), x).mul(eta)), eta, theta);
  }

  /**
   * Projected-gradient fixed point of min_{x ∈ C(θ)} f(x, θ): T(x, θ) = proj_{C(θ)}(x − η∇₁f(x, θ)).
   * <pre>{@code
   * FixedPointMap T = OptimalityConditions.projectedGradientFixedPoint(f, (x, th) -> x.clip(0, 1), 0.5);
   * }</pre>
   * @param eta step size η > 0
   */
  public static FixedPointMap projectedGradientFixedPoint(Objective f, Projection projection, double eta) {
    requireStep("projectedGradientFixedPoint", eta);
    present("projectedGradientFixedPoint", "objective f", f);
    present("projectedGradientFixedPoint", "projection", projection);
    return (x, theta) -> projection.apply(x.sub(AD.grad(v -> f.apply(v, theta), x).mul(eta)), theta);
  }

  /**
   * Mirror-descent fixed point in the KL geometry, for x a point of the simplex (a vector) or of a
   * product of simplices (each row of a matrix, along the last axis):
   * T(x, θ) = softmax(log x − η∇₁f(x, θ)) along the last axis (exponentiated gradient). Its fixed points
   * with x > 0 are exactly the stationary points of f on the relative interior (∇₁f constant per row);
   * it needs x > 0, so it suits interior solutions such as entropy-regularized problems.
   * <pre>{@code
   * FixedPointMap T = OptimalityConditions.mirrorDescentFixedPoint(f, 1.0);
   * }</pre>
   * @param eta step size η > 0
   * @throws IllegalArgumentException (from T) if some x_i ≤ 0, where log x is undefined
   */
  public static FixedPointMap mirrorDescentFixedPoint(Objective f, double eta) {
    requireStep("mirrorDescentFixedPoint", eta);
    present("mirrorDescentFixedPoint", "objective f", f);
    return (x, theta) -> {
      if (x.ndim() < 1) throw new ShapeException("mirrorDescentFixedPoint: x must be a vector or matrix, got a scalar");
      double[] v = x.toDoubleArray();
      for (int i = 0; i < v.length; i++)
        if (!(v[i] > 0))
          throw new IllegalArgumentException("mirrorDescentFixedPoint: x[" + i + "] = " + v[i] + " is not > 0; the KL"
              + " geometry needs a strictly positive point (use projectedGradientFixedPoint for sparse solutions)");
      Tensor gradient = AD.grad(u -> f.apply(u, theta), x);
      return x.log().sub(gradient.mul(eta)).softmax(x.ndim() - 1);
    };
  }

  /**
   * Block proximal-gradient fixed point, for x split into blocks along its first axis (row b = block b)
   * and g separable over blocks, g(x) = Σ_b g_b(x_b): each block takes its own step η_b (for example
   * 1/L_b, its block Lipschitz constant, as in block coordinate descent):
   * T(x, θ)_b = prox_{η_b g}(x_b − η_b ∇_b f(x, θ), θ). Fixed points are the solutions for any η > 0.
   * <pre>{@code
   * // multiclass SVM dual: each row of β on the simplex
   * FixedPointMap T = OptimalityConditions.blockProximalGradientFixedPoint(dual, (b, eta, th) -> simplex(b), steps);
   * }</pre>
   * @param etas one step size η_b > 0 per block (row of x)
   * @throws ShapeException (from T) if x has not etas.length rows
   */
  public static FixedPointMap blockProximalGradientFixedPoint(Objective f, ProximalOperator prox, double[] etas) {
    String op = "blockProximalGradientFixedPoint";
    present(op, "objective f", f);
    present(op, "prox", prox);
    present(op, "step sizes", etas);
    if (etas.length == 0) throw new IllegalArgumentException(op + ": needs one step size per block, got none");
    for (double eta : etas) requireStep(op, eta);
    double[] steps = etas.clone();
    return (x, theta) -> {
      if (x.ndim() < 1 || x.dim(0) != steps.length)
        throw new ShapeException("blockProximalGradientFixedPoint: x " + x.shapeString() + " must have " + steps.length
            + " blocks (rows), one per step size");
      int[] stepShape = new int[x.ndim()];
      Arrays.fill(stepShape, 1);
      stepShape[0] = steps.length;
      Tensor gradient = AD.grad(u -> f.apply(u, theta), x);
      Tensor moved = x.sub(gradient.mul(Tensor.fromArray(steps, stepShape)));
      Tensor[] blocks = new Tensor[steps.length];
      for (int b = 0; b < steps.length; b++) blocks[b] = prox.apply(moved.row(b), steps[b], theta);
      return Tensor.stack(0, blocks);
    };
  }

  /**
   * Newton fixed point of min_x f(x, θ): T(x, θ) = x − ∇₁²f(x, θ)⁻¹ ∇₁f(x, θ) (dense Hessian, for small
   * x). Its fixed points are the stationary points with a nonsingular Hessian, and there ∂₁T = 0, so
   * the implicit-differentiation system I − ∂₁T is the identity: ∂x* / ∂θ = ∂₂T(x*, θ) needs no linear
   * solve (the solve happens inside T, differentiated by AD). One application of T is also one Newton
   * step, so T doubles as a solver for smooth, strongly convex f.
   * <pre>{@code
   * FixedPointMap T = OptimalityConditions.newtonFixedPoint(f);
   * Tensor x1 = T.apply(x0, theta);   // one Newton step
   * }</pre>
   * @throws io.github.implicitdiff.linalg.SingularMatrixException (from T) if the Hessian is singular
   */
  public static FixedPointMap newtonFixedPoint(Objective f) {
    present("newtonFixedPoint", "objective f", f);
    return (x, theta) -> {
      int[] shape = x.shape();
      Tensor flat = x.flatten();
      Tensor gradient = AD.grad(v -> f.apply(v.reshape(shape), theta), flat);
      Tensor hessian = AD.hessian(v -> f.apply(v.reshape(shape), theta), flat);
      return flat.sub(DenseSolve.solve(hessian, gradient)).reshape(shape);
    };
  }

  // ---------------------------------------------------------------- checks

  private static void present(String op, String name, Object value) {
    if (value == null) throw new IllegalArgumentException(op + ": " + name + " must not be null");
  }

  private static void requireStep(String op, double eta) {
    if (!(eta > 0) || !Double.isFinite(eta))
      throw new IllegalArgumentException(op + ": step size eta = " + eta + " must be finite and > 0");
  }

  private static void requireTuple(String op, Tensor[] z, int n, String names) {
    if (z.length != n)
      throw new IllegalArgumentException(op + ": expected the tuple " + names + " of " + n + " tensors, got " + z.length);
  }

  private static void requireMultiplier(String op, String multiplier, Tensor m, String constraint, Tensor c) {
    if (!Arrays.equals(m.shape(), c.shape()))
      throw new ShapeException(op + ": multiplier " + multiplier + " " + m.shapeString() + " must have the shape of "
          + constraint + "(x, θ) " + c.shapeString());
  }
}

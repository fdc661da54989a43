package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.linalg.PowerIteration;
import io.github.implicitdiff.linalg.Cholesky;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.solver.ActiveSetReduction;
import io.github.implicitdiff.solver.ProximalGradient;
import io.github.implicitdiff.solver.SolverResult;
import io.github.implicitdiff.solver.StepSize;
import io.github.implicitdiff.tensor.Tensor;
import java.util.stream.IntStream;

/**
 * The elastic net on training data X (n×d), y (n), one strength λ and a fixed ℓ1 share ρ ∈ (0, 1] (ρ = 1: the
 * lasso):
 * <pre>
 *   w*(λ) = argmin_w f(w, λ) + ρλ‖w‖₁,   f(w, λ) = (1/2n)‖Xw − y‖² + ((1 − ρ)λ/2)‖w‖²                    (1)
 * </pre>
 * by FISTA ({@link ProximalGradient}, θ_f = (λ), θ_g = (ρλ)) with the fixed step 1/L, L = 1.01·λ_max(XᵀX)/n
 * + (1 − ρ)λ, warm-started from the previous solution. w* is differentiated in λ implicitly, through the fixed
 * point w = prox_{ηρλ‖·‖₁}(w − η∇₁f(w, λ)) (2) (GMRES, d unknowns), or with {@link ActiveSetReduction#lasso()}
 * through (2) restricted to the support S = {i : w*_i ≠ 0},
 * <pre>
 *   X_Sᵀ(X_S w_S − y)/n + (1 − ρ)λ w_S + ρλ sign(w*_S) = 0                                                 (3)
 * </pre>
 * (CG, |S| unknowns). While S and the signs stay fixed, differentiating (3) in λ gives the exact reference
 * <pre>
 *   dw_S/dλ = −(X_SᵀX_S/n + (1 − ρ)λ I)⁻¹ (ρ sign(w*_S) + (1 − ρ) w*_S),   dw_i/dλ = 0 off S,               (4)
 * </pre>
 * for the lasso −(X_SᵀX_S/n)⁻¹ sign(w*_S) ({@link #closedFormDerivative}).
 */
final class ElasticNetPath {
  private final Tensor X, y;
  private final double rho, gramMax;
  private final ProximalGradient solver;
  private final boolean warmStart;
  private Tensor last;
  private SolverResult lastResult;

  /**
   * @param l1Ratio ρ ∈ (0, 1]
   * @param activeSet whether w* is differentiated through (3) (else through (2))
   * @param tol the solver's tolerance on rms((2)'s residual) / max(1, rms(w))
   */
  ElasticNetPath(Tensor X, Tensor y, double l1Ratio, boolean activeSet, double tol) {
    if (!(l1Ratio > 0 && l1Ratio <= 1)) throw new IllegalArgumentException("ElasticNetPath: ρ must be in (0, 1], got " + l1Ratio);
    this.X = X.concrete();
    this.y = y.concrete();
    this.rho = l1Ratio;
    this.gramMax = 1.01 * PowerIteration.gramEigenvalue(this.X) / X.dim(0);
    Tensor data = this.X, target = this.y;
    double ridgeShare = (1 - l1Ratio) / 2;
    Objective f = ridgeShare == 0 ? (w, th) -> data.matmul(w).sub(target).square().mean().mul(0.5)
        : (w, th) -> data.matmul(w).sub(target).square().mean().mul(0.5).add(th[0].mul(w.square().sum()).mul(ridgeShare));
    ProximalGradient pg = ProximalGradient.of(f, ProximalOperator.lasso(), 1).withAcceleration(true).withTol(tol)
        .withMaxIterations(100_000);
    this.solver = activeSet ? pg.withActiveSetReduction(ActiveSetReduction.lasso()) : pg;
    this.warmStart = true;
  }

  private ElasticNetPath(ElasticNetPath other, ProximalGradient solver, boolean warmStart) {
    this.X = other.X;
    this.y = other.y;
    this.rho = other.rho;
    this.gramMax = other.gramMax;
    this.solver = solver;
    this.warmStart = warmStart;
  }

  /** The same problem differentiated through (3) (true) or (2) (false), warm-started. */
  ElasticNetPath withActiveSet(boolean activeSet) {
    return new ElasticNetPath(this, solver.withActiveSetReduction(activeSet ? ActiveSetReduction.lasso() : null), true);
  }

  /** The same problem solved from zero every time to {@code tol}, for finite differences (their error is about tol / h). */
  ElasticNetPath cold(double tol) {
    return new ElasticNetPath(this, solver.withTol(tol), false);
  }

  /** λ_max = ‖Xᵀy‖_∞/(nρ), the smallest λ with w*(λ) = 0. */
  double lambdaMax() {
    return X.T().matmul(y).abs().max().item() / X.dim(0) / rho;
  }

  /** w*(λ) for a scalar λ, differentiable in λ. */
  Tensor solve(Tensor lambda) {
    Tensor init = warmStart && last != null ? last : Tensor.zeros(X.dim(1));
    double step = 1 / (gramMax + (1 - rho) * lambda.concrete().item());
    lastResult = solver.withStepSize(StepSize.fixed(step)).run(init, lambda, lambda.mul(rho));
    Tensor w = lastResult.orThrow();
    last = w.concrete();
    return w;
  }

  /** w*(λ), not differentiable. */
  Tensor solve(double lambda) {
    return solve(Tensor.scalar(lambda)).concrete();
  }

  /** The last solution (concrete). */
  Tensor last() {
    return last;
  }

  /** FISTA iterations of the last solve. */
  int lastIterations() {
    return lastResult.iterations();
  }

  /** The number of nonzero weights of w. */
  static int support(Tensor w) {
    double[] v = w.concrete().toDoubleArray();
    return (int) java.util.Arrays.stream(v).filter(x -> x != 0).count();
  }

  /** The derivative of w*(λ) in λ by (4) at the concrete solution w = w*(λ) (zero off its support). */
  Tensor closedFormDerivative(double lambda, Tensor w) {
    double[] wv = w.concrete().toDoubleArray();
    int[] S = IntStream.range(0, wv.length).filter(i -> wv[i] != 0).toArray();
    double[] dw = new double[wv.length];
    if (S.length > 0) {
      Tensor XS = X.take(S, 1);
      Tensor wS = Tensor.of(IntStream.of(S).mapToDouble(i -> wv[i]).toArray());
      Tensor G = XS.T().matmul(XS).div(X.dim(0)).add(Tensor.eye(S.length).mul((1 - rho) * lambda));
      Tensor rhs = wS.sign().mul(rho).add(wS.mul(1 - rho));
      double[] dS = Cholesky.factor(G).solve(rhs).neg().toDoubleArray();
      for (int k = 0; k < S.length; k++) dw[S[k]] = dS[k];
    }
    return Tensor.of(dw);
  }
}

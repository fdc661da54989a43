package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.LinearOperator;
import io.github.implicitdiff.linalg.LinearSolution;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.linalg.PowerIteration;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/**
 * The ridge hypergradient problem of the implicit benchmark: inner objective (1/2n)‖Xw − y‖² + (λ/2)‖w‖²,
 * outer loss (1/2m)‖X_v w − y_v‖², hypergradient dL/dλ computed four ways.
 */
public final class RidgeHypergradient {
  public final Tensor X, y, Xv, yv;
  public final int n, d;
  /** Lipschitz constant of the inner gradient at λ = 0: λ_max(XᵀX/n). */
  public final double lipschitz0;

  /** The problem on given training (X, y) and validation (Xv, yv) data. */
  public static RidgeHypergradient of(Tensor X, Tensor y, Tensor Xv, Tensor yv) {
    return new RidgeHypergradient(X, y, Xv, yv);
  }

  private RidgeHypergradient(Tensor X, Tensor y, Tensor Xv, Tensor yv) {
    this.X = X;
    this.y = y;
    this.Xv = Xv;
    this.yv = yv;
    this.n = X.dim(0);
    this.d = X.dim(1);
    this.lipschitz0 = largestEigenvalue();
  }

  /** X standard normal, y = X w_true + 0.5·noise, a validation set of n/2 rows drawn the same way. */
  public static RidgeHypergradient random(long seed, int n, int d) {
    Random rng = new Random(seed);
    Tensor wTrue = Tensor.randn(rng, d);
    Tensor X = Tensor.randn(rng, n, d), Xv = Tensor.randn(rng, n / 2, d);
    Tensor y = X.matmul(wTrue).add(Tensor.randn(rng, n).mul(0.5));
    Tensor yv = Xv.matmul(wTrue).add(Tensor.randn(rng, n / 2).mul(0.5));
    return new RidgeHypergradient(X, y, Xv, yv);
  }

  /** Inner optimality F(w, λ) = Xᵀ(Xw − y)/n + λw. */
  public Optimality stationarity() {
    return (w, th) -> X.T().matmul(X.matmul(w).sub(y)).div(n).add(th[0].mul(w));
  }

  public Tensor valLoss(Tensor w) {
    return Xv.matmul(w).sub(yv).square().sum().div(2.0 * Xv.dim(0));
  }

  /** w*(λ) by CG on (XᵀX/n + λI) w = Xᵀy/n to relative residual 1e-10 (concrete values). */
  public Tensor solveCg(double lam) {
    return innerSolve(lam).orThrow();
  }

  private LinearSolution innerSolve(double lam) {
    LinearOperator A = LinearOperator.symmetric(d, v -> X.T().matmul(X.matmul(v)).div(n).add(v.mul(lam)));
    return LinearSolvers.cg().withTol(1e-10).solve(A, X.T().matmul(y).div(n));
  }

  /** λ ↦ w*(λ), solved by CG and differentiable by implicit differentiation (CG to 1e-10). */
  public MultiInputFunction solution() {
    return solution(ImplicitOptions.defaults().withSymmetric(true));
  }

  private MultiInputFunction solution(ImplicitOptions options) {
    return Implicit.customRoot(stationarity(), th -> solveCg(th[0].item()), LinearSolvers.cg().withTol(1e-10), options);
  }

  /**
   * The CG iterations of one implicit hypergradient, measured: {inner solve, adjoint (VJP) solve}. Each
   * iteration reads X twice (X v and Xᵀ u), which is what bounds the implicit method's cost.
   */
  public int[] implicitCgIterations(double lam) {
    LinearSolution inner = innerSolve(lam);
    int[] adjoint = {0};
    ImplicitOptions counting = ImplicitOptions.defaults().withSymmetric(true).withListener(d -> {
      if (d.linearSolution() != null) adjoint[0] += d.linearSolution().iterations();
    });
    MultiInputFunction wStar = solution(counting);
    AD.grad(l -> valLoss(wStar.apply(l)), Tensor.scalar(lam));
    return new int[] {inner.iterations(), adjoint[0]};
  }

  /** (a) inner solve by CG, hypergradient by implicit VJP with CG (both to 1e-10). */
  public double implicitHypergradient(double lam) {
    MultiInputFunction wStar = solution();
    return AD.grad(l -> valLoss(wStar.apply(l)), Tensor.scalar(lam)).item();
  }

  /**
   * (a') the same as (a) with the normal matrix formed once: G = XᵀX/n (one matrix product, timed), F(w, λ) =
   * G w − Xᵀy/n + λw, CG to 1e-10 on G + λI for the solve and the adjoint. Each CG product then reads a d×d
   * matrix instead of X twice.
   */
  public double implicitGramHypergradient(double lam) {
    Tensor G = X.T().matmul(X).div(n), c = X.T().matmul(y).div(n);
    Optimality F = (w, th) -> G.matmul(w).sub(c).add(th[0].mul(w));
    var wStar = Implicit.customRoot(F, th -> {
      double l = th[0].item();
      LinearOperator A = LinearOperator.symmetric(d, v -> G.matmul(v).add(v.mul(l)));
      return LinearSolvers.cg().withTol(1e-10).solve(A, c).orThrow();
    }, LinearSolvers.cg().withTol(1e-10), ImplicitOptions.defaults().withSymmetric(true));
    return AD.grad(l -> valLoss(wStar.apply(l)), Tensor.scalar(lam)).item();
  }

  /** K gradient-descent steps w ← w − η F(w, λ), η = 1/L, from w = 0 (differentiable in λ when traced). */
  public Tensor gradientDescent(Tensor lam, int K) {
    return steps(Tensor.zeros(d), lam, K, 1.0 / (lipschitz0 + lam.item()));
  }

  /** {@code count} steps w ← w − η F(w, λ) from w. */
  private Tensor steps(Tensor w, Tensor lam, int count, double eta) {
    Optimality F = stationarity();
    for (int k = 0; k < count; k++) w = w.sub(F.apply(w, lam).mul(eta));
    return w;
  }

  /** (b) K recorded gradient-descent steps differentiated in reverse mode. */
  public double unrolledReverse(double lam, int K) {
    return AD.grad(l -> valLoss(gradientDescent(l, K)), Tensor.scalar(lam)).item();
  }

  /**
   * (b') the same K steps recorded in segments of ⌈√K⌉ steps, each an {@link AD#checkpoint}: the tape keeps the
   * segments' inputs and, during the pullback, one segment's steps (O(√K) states instead of O(K)), at the price of
   * running the steps once more.
   */
  public double unrolledCheckpointed(double lam, int K) {
    int segment = (int) Math.ceil(Math.sqrt(K));
    return AD.grad(l -> valLoss(gradientDescentCheckpointed(l, K, segment)), Tensor.scalar(lam)).item();
  }

  /** {@link #gradientDescent} with each run of {@code segment} steps recorded as one checkpointed step. */
  public Tensor gradientDescentCheckpointed(Tensor lam, int K, int segment) {
    double eta = 1.0 / (lipschitz0 + lam.item());
    Tensor w = Tensor.zeros(d);
    for (int done = 0; done < K; done += segment) {
      int count = Math.min(segment, K - done);
      w = AD.checkpoint(in -> steps(in[0], in[1], count, eta)).apply(w, lam);
    }
    return w;
  }

  /** (c) the same in forward mode. */
  public double unrolledForward(double lam, int K) {
    return AD.jvp(l -> valLoss(gradientDescent(l, K)), Tensor.scalar(lam), Tensor.scalar(1.0)).outTangent().item();
  }

  /** (d) dense closed form: A = XᵀX/n + λI, w = A⁻¹Xᵀy/n, dL/dλ = −∇L(w)ᵀ A⁻¹ w. */
  public double denseHypergradient(double lam) {
    Tensor A = X.T().matmul(X).div(n).add(Tensor.eye(d).mul(lam));
    var chol = LinearSolvers.cholesky();
    LinearOperator op = LinearOperator.dense(A);
    Tensor w = chol.solve(op, X.T().matmul(y).div(n)).orThrow();
    Tensor g = Xv.T().matmul(Xv.matmul(w).sub(yv)).div(Xv.dim(0));
    return -g.vdot(chol.solve(op, w).orThrow());
  }

  private double largestEigenvalue() {
    LinearOperator gram = LinearOperator.symmetric(d, v -> X.T().matmul(X.matmul(v)).div(n));
    return PowerIteration.run(gram, Tensor.ones(d), 100, 1e-10).value();
  }
}

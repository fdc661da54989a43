package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.linalg.PowerIteration;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.solver.ActiveSetReduction;
import io.github.implicitdiff.solver.Differentiation;
import io.github.implicitdiff.solver.ProximalGradient;
import io.github.implicitdiff.solver.SolverResult;
import io.github.implicitdiff.solver.StepSize;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Elastic-net sparse codes of the rows of X (n×d) on a dictionary D (d×k), all samples at once:
 * <pre>
 *   α*(X; D) = argmin_α f(α; D) + λ‖α‖₁,   f(α; D) = ½‖X − αDᵀ‖²_F + (ε/2)‖α‖²_F          (1)
 * </pre>
 * α is n×k, row i the code of sample x_i; (1) is the sum over rows of the per-sample problems
 * ½‖x_i − Dα_i‖² + λ‖α_i‖₁ + (ε/2)‖α_i‖², and the prox of λ‖·‖₁ is elementwise, so one FISTA run
 * ({@link ProximalGradient}) solves the n problems together. ∇f = (αDᵀ − X)D + εα is Lipschitz with
 * L = λ_max(DᵀD) + ε, and every solve takes the fixed step 1/L of the current (concrete) D. ε &gt; 0 makes f
 * strongly convex, so α* is unique and, away from the points where a coordinate's |∇f| reaches λ, smooth in D.
 *
 * <p>α* is differentiable in D by implicit differentiation of the solver's fixed point
 * α = prox_{ηλ‖·‖₁}(α − η∇f(α; D)) (2), or, with the active-set reduction, of (2) restricted to the nonzero
 * codes S = {(i, j) : α*_ij ≠ 0}:
 * <pre>
 *   [(αDᵀ − X)D + εα]_S + λ sign(α*_S) = 0,                                                     (3)
 * </pre>
 * whose Jacobian in α_S is block diagonal with the blocks D_{S_i}ᵀD_{S_i} + εI (positive definite), solved by CG.
 * Atoms are unit vectors through {@link #unitColumns}: D = D̃ / column norms, differentiable in D̃.
 */
final class SparseCoding {
  private final Tensor X;
  private final double lambda, epsilon;
  private final ProximalGradient solver;
  private final boolean warmStart;
  private Tensor last;
  private SolverResult lastResult;

  /**
   * @param activeSet whether α* is differentiated through (3) (else through (2), by GMRES)
   * @param tol the solver's tolerance on rms((2)'s residual) / max(1, rms(α))
   */
  SparseCoding(Tensor X, double lambda, double epsilon, boolean activeSet, double tol) {
    this.X = X.concrete();
    this.lambda = lambda;
    this.epsilon = epsilon;
    Tensor data = this.X;
    Objective f = (alpha, th) -> data.sub(alpha.matmul(th[0].T())).square().sum().mul(0.5)
        .add(alpha.square().sum().mul(epsilon / 2));
    ProximalGradient pg = ProximalGradient.of(f, ProximalOperator.lasso(), 1).withAcceleration(true).withTol(tol)
        .withMaxIterations(100_000);
    this.solver = activeSet ? pg.withActiveSetReduction(ActiveSetReduction.lasso()) : pg;
    this.warmStart = true;
  }

  private SparseCoding(SparseCoding other, ProximalGradient solver, boolean warmStart) {
    this.X = other.X;
    this.lambda = other.lambda;
    this.epsilon = other.epsilon;
    this.solver = solver;
    this.warmStart = warmStart;
  }

  /**
   * The same problem solved from zero every time to tolerance {@code tol}, for finite differences that must not
   * depend on the history (their error is about tol / h).
   */
  SparseCoding cold(double tol) {
    return new SparseCoding(this, solver.withTol(tol), false);
  }

  /**
   * The same problem solved from zero with {@code iterations} FISTA steps recorded and differentiated (unrolled,
   * no stopping test).
   */
  SparseCoding unrolled(int iterations) {
    return new SparseCoding(this, solver.withActiveSetReduction(null).withDifferentiation(Differentiation.UNROLLED)
        .withTol(Double.MIN_VALUE).withMaxIterations(iterations), false);
  }

  /** D̃ with each column divided by its Euclidean norm. */
  static Tensor unitColumns(Tensor Dtilde) {
    return Dtilde.div(Dtilde.square().sum(new int[] {0}, true).sqrt());
  }

  /** α*(X; D), differentiable in D, started from the previous solution (from zero the first time, or if cold). */
  Tensor codes(Tensor D) {
    Tensor init = warmStart && last != null ? last : Tensor.zeros(X.dim(0), D.dim(1));
    double step = 1 / (PowerIteration.gramEigenvalue(D.concrete()) * 1.01 + epsilon);
    lastResult = solver.withStepSize(StepSize.fixed(step)).run(init, D, Tensor.scalar(lambda));
    Tensor alpha = solver.differentiation() == Differentiation.UNROLLED ? lastResult.solution() : lastResult.orThrow();
    last = alpha.concrete();
    return alpha;
  }

  /**
   * The per-sample value of (1) at α* with α* held fixed, (1/n)[f(α*; D) + λ‖α*‖₁]: by the envelope theorem its
   * gradient in D (through D = D̃/‖D̃‖ also in D̃) is that of min_α (1)/n, the unsupervised dictionary-learning loss.
   */
  Tensor reconstructionLoss(Tensor D) {
    Tensor alpha = codes(D.concrete()).concrete();
    return X.sub(alpha.matmul(D.T())).square().sum().mul(0.5)
        .add(alpha.square().sum().mul(epsilon / 2)).add(alpha.abs().sum().mul(lambda)).div(X.dim(0));
  }

  /** FISTA iterations of the last solve. */
  int lastIterations() {
    return lastResult.iterations();
  }

  /** The last solution α* (concrete). */
  Tensor lastCodes() {
    return last;
  }

  /** The mean number of nonzero codes per sample in α (n×k). */
  static double nonzerosPerSample(Tensor alpha) {
    double[] a = alpha.concrete().toDoubleArray();
    int nz = 0;
    for (double v : a) if (v != 0) nz++;
    return nz / (double) alpha.dim(0);
  }
}

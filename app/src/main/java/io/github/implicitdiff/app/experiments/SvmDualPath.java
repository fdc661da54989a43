package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.loss.Losses;
import io.github.implicitdiff.loss.MulticlassSvm;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.solver.BlockCoordinateDescent;
import io.github.implicitdiff.solver.MirrorDescent;
import io.github.implicitdiff.solver.SolverResult;
import io.github.implicitdiff.solver.StepSize;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The multiclass linear SVM (Crammer and Singer) on training data X (m×p), labels y, through its dual
 * ({@link MulticlassSvm}'s eq. D, rows of β on the simplex):
 * <pre>
 *   β*(λ) = argmin_β (1/(2λ))‖Xᵀ(Y − β)‖²_F + ⟨β, Y − 1⟩,   W(λ) = Xᵀ(Y − β*(λ))/λ,                         (1)
 * </pre>
 * solved by block coordinate descent over the rows (simplex projection, {@link MulticlassSvm#dualComposite},
 * warm-started from the previous solution) or by mirror descent (entropic steps, fixed step η = λ/max_ij |(XXᵀ)_ij|,
 * from the uniform β; the solver scales its fixed-point residual by max(1, 1/η), so a small λ no longer stops it
 * near the uniform start). β* is differentiated in λ implicitly, through the solver's fixed point (GMRES on the mk
 * unknowns): β = P_Δ(β − η₀∇₁f(β, λ)) row by row, η₀ = 1 for block coordinate descent and η for mirror descent (its
 * default projected-gradient condition, which it also stops on: accurate at this dual's boundary solutions, where
 * mirror descent's own condition β = softmax(log β − η∇₁f(β, λ)) is ill-conditioned). Both characterise the same
 * β*, so their derivatives agree where β* is a smooth function
 * of λ (away from the λ's where a row of β* changes face); W's derivative then follows by the chain rule,
 * dW/dλ = −Xᵀ(∂β*(λ)/∂λ)/λ − W/λ.
 */
final class SvmDualPath {
  /** The dual solver. */
  enum Method { BLOCK_COORDINATE_DESCENT, MIRROR_DESCENT }

  private final Tensor X, Y, init, fixedStart;
  private final Method method;
  private final double tol, gramMax;
  private final boolean warmStart;
  private Tensor last;
  private SolverResult lastResult;

  /** @param tol the solver's tolerance on its fixed-point residual (rms, relative to max(1, rms(β))) */
  SvmDualPath(Tensor X, int[] labels, int k, Method method, double tol) {
    this(X.concrete(), Tensor.oneHot(Tensor.of(java.util.Arrays.stream(labels).asDoubleStream().toArray()), k), method, tol,
        method == Method.BLOCK_COORDINATE_DESCENT, null);
  }

  private SvmDualPath(Tensor X, Tensor Y, Method method, double tol, boolean warmStart, Tensor fixedStart) {
    this.X = X;
    this.Y = Y;
    this.method = method;
    this.tol = tol;
    this.warmStart = warmStart;
    this.init = Tensor.full(1.0 / Y.dim(1), Y.dim(0), Y.dim(1));
    this.fixedStart = fixedStart;
    this.gramMax = X.matmul(X.T()).abs().max().item();
  }

  /** The same problem and method solved from the uniform β every time to {@code tol}, for finite differences. */
  SvmDualPath cold(double tol) {
    return new SvmDualPath(X, Y, method, tol, false, null);
  }

  /**
   * The same problem and method solved to {@code tol} every time from the last solution of this one (which must
   * exist): finite differences independent of the history, from a start near the solution.
   */
  SvmDualPath fromLast(double tol) {
    return new SvmDualPath(X, Y, method, tol, false, last);
  }

  /** The same data with the other solver (or the same), warm-started as that solver is by default. */
  SvmDualPath with(Method other) {
    return new SvmDualPath(X, Y, other, tol, other == Method.BLOCK_COORDINATE_DESCENT, null);
  }

  /** β*(λ), differentiable in the scalar λ. */
  Tensor dual(Tensor lambda) {
    Tensor start = fixedStart != null ? fixedStart : warmStart && last != null ? last : init;
    lastResult = switch (method) {
      case BLOCK_COORDINATE_DESCENT -> BlockCoordinateDescent.of(MulticlassSvm.dualComposite(X, Y),
          ProximalOperator.fromProjection(Projection.simplex()), 1).withTol(tol).withMaxIterations(100_000)
          .run(start, lambda, Tensor.scalar(1));
      case MIRROR_DESCENT -> {
        double step = lambda.concrete().item() / gramMax;
        yield MirrorDescent.of((b, th) -> MulticlassSvm.dual(b, th[0], X, Y)).withStepSize(StepSize.fixed(step))
            .withTol(tol).withMaxIterations(1_000_000).run(start, lambda);
      }
    };
    Tensor beta = lastResult.orThrow();
    last = beta.concrete();
    return beta;
  }

  /** W(λ) = Xᵀ(Y − β*(λ))/λ, (p, k), differentiable in λ. */
  Tensor weights(Tensor lambda) {
    return MulticlassSvm.primalWeights(dual(lambda), lambda, X, Y);
  }

  /** W of the last solution β* for the λ it was solved at (concrete). */
  Tensor lastWeights(double lambda) {
    return MulticlassSvm.primalWeights(last, Tensor.scalar(lambda), X, Y);
  }

  /** Solver iterations of the last solve (sweeps for block coordinate descent). */
  int lastIterations() {
    return lastResult.iterations();
  }

  /** The mean multiclass logistic loss of the scores XW on labels y. */
  static Tensor logisticLoss(Tensor W, Tensor X, int[] labels) {
    return Losses.multiclassLogistic(labels, X.matmul(W)).mean();
  }

  /** The number of training points whose dual row is not its label's vertex (the support vectors). */
  int supportVectors() {
    double[] d = last.sub(Y).abs().sum(new int[] {1}, false).toDoubleArray();
    return (int) java.util.Arrays.stream(d).filter(v -> v > 1e-9).count();
  }
}

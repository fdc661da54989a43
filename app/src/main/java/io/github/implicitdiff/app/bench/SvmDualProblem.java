package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitDiagnostics;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.loss.Losses;
import io.github.implicitdiff.loss.MulticlassSvm;
import io.github.implicitdiff.optimality.CompositeLinearObjective;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.solver.BlockCoordinateDescent;
import io.github.implicitdiff.solver.Checkpointing;
import io.github.implicitdiff.solver.Differentiation;
import io.github.implicitdiff.solver.MirrorDescent;
import io.github.implicitdiff.solver.SolverResult;
import io.github.implicitdiff.solver.StepSize;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The multiclass SVM dual β*(λ) = argmin f(β, λ) (MulticlassSvm.dual, rows of β on the simplex), X Gaussian
 * (m, p), labels the argmax of a random linear model plus noise; solved by mirror descent or block
 * coordinate descent; outer loss the mean multiclass logistic loss of the primal weights
 * W(β*, λ) = Xᵀ(Y − β*)/λ on a validation set, differentiated in λ. Block coordinate descent gets the dual in
 * composite-linear form (MulticlassSvm.dualComposite), so that each row step updates Xᵀβ instead of evaluating the dual.
 */
final class SvmDualProblem implements SolverProblem {
  /** Which solver. */
  enum Method {
    MIRROR_DESCENT("svm-dual-mirror-descent"),
    BLOCK_COORDINATE_DESCENT("svm-dual-bcd");

    final String rowName;

    Method(String rowName) {
      this.rowName = rowName;
    }
  }

  private final Method method;
  private final int m, p, k;
  private final double tol;
  private final Tensor X, Y, Xval, lambda, init, one = Tensor.scalar(1);
  private final int[] labelsVal;
  private final Objective dual;
  private final CompositeLinearObjective dualComposite;
  private final double mirrorStep;
  private Consumer<ImplicitDiagnostics> listener;

  SvmDualProblem(long seed, int m, int p, int k, double lambdaValue, double tol, Method method) {
    Random rng = new Random(seed);
    this.method = method;
    this.m = m;
    this.p = p;
    this.k = k;
    this.tol = tol;
    int mVal = Math.max(m / 2, 10);
    Tensor Wtrue = Tensor.randn(rng, p, k);
    X = Tensor.randn(rng, m, p).div(Math.sqrt(p));
    Xval = Tensor.randn(rng, mVal, p).div(Math.sqrt(p));
    int[] labels = X.matmul(Wtrue).add(Tensor.randn(rng, m, k).mul(0.5)).argmax(1);
    Y = Tensor.oneHot(Tensor.of(java.util.Arrays.stream(labels).asDoubleStream().toArray()), k);
    labelsVal = Xval.matmul(Wtrue).add(Tensor.randn(rng, mVal, k).mul(0.5)).argmax(1);
    lambda = Tensor.scalar(lambdaValue);
    init = Tensor.full(1.0 / k, m, k);
    dual = (b, th) -> MulticlassSvm.dual(b, th[0], X, Y);
    dualComposite = MulticlassSvm.dualComposite(X, Y);
    // 1/L for the entropic geometry: L = max_ij |(XXᵀ)_ij| / λ bounds the Hessian from ℓ1 to ℓ∞ (a fixed step keeps the
    // coordinates that go to 0 from underflowing, which backtracking's growing steps can do)
    mirrorStep = lambdaValue / X.matmul(X.T()).abs().max().item();
  }

  @Override
  public String name() {
    return method.rowName;
  }

  @Override
  public String describe() {
    return name() + ": m = " + m + ", p = " + p + ", k = " + k + ", λ = " + lambda.item() + ", tol " + tol
        + (method == Method.MIRROR_DESCENT ? ", mirror descent (KL, fixed step 1/L; stopped on and differentiated through the projected-gradient condition)" : ", cyclic block coordinate descent over rows"
            + " (per-block backtracking, simplex projection, Xᵀβ updated row by row)") + "; full implicit system (GMRES)";
  }

  @Override
  public void listen(Consumer<ImplicitDiagnostics> l) {
    listener = l;
  }

  private MirrorDescent mirror() {
    // reverse-mode unrolling records the iterations in growing checkpointed segments (about √(2K) of them): the
    // plain tape of the ~65 000 iterations exceeds a 6 GB heap
    return MirrorDescent.of(dual).withStepSize(StepSize.fixed(mirrorStep)).withTol(tol).withMaxIterations(100_000)
        .withCheckpointing(Checkpointing.growing());
  }

  private BlockCoordinateDescent bcd() {
    // reverse-mode unrolling records each sweep as one checkpointed step: the plain tape exceeds a 6 GB heap
    return BlockCoordinateDescent.of(dualComposite, ProximalOperator.fromProjection(Projection.simplex()), 1).withTol(tol)
        .withMaxIterations(10_000).withCheckpointedSweeps(true);
  }

  private SolverResult run(Differentiation mode, int maxIterations, Tensor lam) {
    ImplicitOptions options = ImplicitOptions.defaults().withListener(listener);
    return switch (method) {
      case MIRROR_DESCENT -> mirror().withDifferentiation(mode).withImplicitOptions(options)
          .withMaxIterations(maxIterations).run(init, lam);
      case BLOCK_COORDINATE_DESCENT -> bcd().withDifferentiation(mode).withImplicitOptions(options)
          .withMaxIterations(maxIterations).run(init, lam, one);
    };
  }

  private Tensor validationLoss(Tensor beta, Tensor lam) {
    Tensor W = MulticlassSvm.primalWeights(beta, lam, X, Y);
    return Losses.multiclassLogistic(labelsVal, Xval.matmul(W)).mean();
  }

  @Override
  public int solve() {
    return run(Differentiation.IMPLICIT, method == Method.MIRROR_DESCENT ? 100_000 : 10_000, lambda).iterations();
  }

  @Override
  public Tensor implicitGradient() {
    int max = method == Method.MIRROR_DESCENT ? 100_000 : 10_000;
    return AD.grad(l -> validationLoss(run(Differentiation.IMPLICIT, max, l).orThrow(), l), lambda);
  }

  @Override
  public java.util.Optional<Tensor> unrolledForwardGradient(int iterations) {
    return java.util.Optional.of(AD.jvp(l -> validationLoss(run(Differentiation.UNROLLED, Math.max(1, iterations), l).solution(), l),
        lambda, Tensor.scalar(1)).outTangent());
  }

  @Override
  public Tensor unrolledGradient(int iterations) {
    return AD.grad(l -> validationLoss(run(Differentiation.UNROLLED, Math.max(1, iterations), l).solution(), l), lambda);
  }
}

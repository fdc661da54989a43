package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitDiagnostics;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.loss.Losses;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.LBFGS;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The measurement behind {@code bench reuse}: how many CG iterations the implicit backward solve of an
 * L-BFGS-solved, ill-conditioned ℓ2-regularised logistic regression needs, with and without the run's
 * curvature pairs as preconditioner, and with and without warm starts across a hyperparameter loop.
 *
 * <p>Problem: X (n×d) standard normal with its columns scaled by logspace(0, −k) (feature scales spread
 * over k decades), labels from a random linear model; inner f(w, λ) = mean ℓ(y, Xw) + ½λ‖w‖² solved by
 * L-BFGS (tol 1e-8); outer L(w) = mean ℓ(y_v, X_v w) on a validation set; the hypergradient dL/dλ by
 * implicit differentiation (one CG solve of ∇²f w = −∇L per λ). CG iterations are counted by the
 * implicit layer's diagnostics listener. Deterministic for a seed.
 *
 * <pre>{@code
 * ReuseMeasurement m = ReuseMeasurement.logistic(0, 400, 80, 3, 1e-4);
 * ReuseMeasurement.Preconditioning p = m.preconditioning(10);   // p.plainIterations(), p.preconditionedIterations()
 * ReuseMeasurement.WarmStart w = m.warmStart(10, 1.2);          // w.coldIterations(), w.warmIterations()
 * }</pre>
 */
public final class ReuseMeasurement {
  private final Tensor X, y, Xv, yv;
  private final double lambda;
  private final int d;

  private ReuseMeasurement(Tensor X, Tensor y, Tensor Xv, Tensor yv, double lambda) {
    this.X = X;
    this.y = y;
    this.Xv = Xv;
    this.yv = yv;
    this.lambda = lambda;
    this.d = X.dim(1);
  }

  /**
   * The logistic problem of the class comment.
   *
   * @param decades k, the spread of the column scales (the Hessian's condition grows like 10^(2k))
   * @param lambda the base regularisation λ
   */
  public static ReuseMeasurement logistic(long seed, int n, int d, double decades, double lambda) {
    if (n < 2 || d < 1 || !(decades >= 0) || !(lambda > 0))
      throw new IllegalArgumentException("ReuseMeasurement.logistic: needs n ≥ 2, d ≥ 1, decades ≥ 0, λ > 0; got n = " + n
          + ", d = " + d + ", decades = " + decades + ", λ = " + lambda);
    Random rng = new Random(seed);
    double[] scales = new double[d];
    for (int j = 0; j < d; j++) scales[j] = Math.pow(10, -decades * j / Math.max(1, d - 1));
    Tensor scale = Tensor.of(scales);
    Tensor wTrue = Tensor.randn(rng, d).div(scale).mul(1.0 / Math.sqrt(d));
    Tensor X = Tensor.randn(rng, n, d).mul(scale), Xv = Tensor.randn(rng, n / 2, d).mul(scale);
    return new ReuseMeasurement(X, labels(rng, X, wTrue), Xv, labels(rng, Xv, wTrue), lambda);
  }

  private static Tensor labels(Random rng, Tensor X, Tensor w) {
    double[] p = X.matmul(w).sigmoid().toDoubleArray(), labels = new double[p.length];
    for (int i = 0; i < p.length; i++) labels[i] = rng.nextDouble() < p[i] ? 1 : 0;
    return Tensor.of(labels);
  }

  /** f(w, λ) = mean ℓ(y, Xw) + ½λ‖w‖². */
  public Objective objective() {
    return (w, th) -> Losses.binaryLogistic(y, X.matmul(w)).mean().add(th[0].mul(w.square().sum()).mul(0.5));
  }

  /** Plain and L-BFGS-preconditioned backward CG at λ, and the relative difference of the two hypergradients. */
  public record Preconditioning(int memory, int lbfgsIterations, int plainIterations, int preconditionedIterations,
      double hypergradient, double relativeDifference) {}

  /** Cold and warm-started backward CG over a λ loop: total iterations, and the largest relative hypergradient difference. */
  public record WarmStart(int steps, int coldIterations, int warmIterations, int warmPreconditionedIterations,
      double maxRelativeDifference) {}

  /** One hypergradient and the CG iterations its backward solve used. */
  public record Hypergradient(double value, int cgIterations, int solverIterations) {}

  /** dL/dλ at λ with the given solver, counting the backward CG iterations. */
  public Hypergradient hypergradient(LBFGS solver, double lam) {
    AtomicInteger cg = new AtomicInteger();
    int[] iterations = new int[1];
    LBFGS counted = solver.withImplicitOptions(solver.implicitOptions().withListener(diagnostics -> {
      if (diagnostics.stage() != ImplicitDiagnostics.Stage.SOLVE) cg.addAndGet(diagnostics.linearSolution().iterations());
    }));
    Tensor g = AD.grad(l -> {
      var r = counted.run(Tensor.zeros(d), l);
      iterations[0] = r.iterations();
      return Losses.binaryLogistic(yv, Xv.matmul(r.orThrow())).mean();
    }, Tensor.scalar(lam));
    return new Hypergradient(g.item(), cg.get(), iterations[0]);
  }

  /** L-BFGS to its default tolerance (1e-8) with the given memory, and CG to 1e-10 with a generous budget for the backward solve. */
  public LBFGS solver(int memory, LinearSolver linearSolver) {
    return LBFGS.of(objective()).withMemory(memory).withMaxIterations(5000).withLinearSolver(linearSolver)
        .withImplicitOptions(ImplicitOptions.defaults().withSymmetric(true));
  }

  private static LinearSolver cg(int d) {
    return LinearSolvers.cg().withMaxIterations(Math.max(1000, 20 * d));
  }

  /** The backward CG iterations at λ without and with the L-BFGS preconditioner (memory m). */
  public Preconditioning preconditioning(int memory) {
    Hypergradient plain = hypergradient(solver(memory, cg(d)), lambda);
    Hypergradient pre = hypergradient(solver(memory, cg(d)).withCurvaturePreconditioner(true), lambda);
    return new Preconditioning(memory, plain.solverIterations(), plain.cgIterations(), pre.cgIterations(), plain.value(),
        Math.abs(pre.value() - plain.value()) / Math.abs(plain.value()));
  }

  /**
   * A hyperparameter loop λ_k = λ · ratio^k, k = 0..steps−1, one hypergradient per step with one solver
   * object: cold CG each time, CG warm-started from the previous adjoint, and warm-started plus L-BFGS
   * preconditioned.
   */
  public WarmStart warmStart(int steps, double ratio, int memory) {
    LBFGS cold = solver(memory, cg(d));
    LBFGS warm = solver(memory, LinearSolvers.warmStarted(cg(d)));
    LBFGS both = solver(memory, LinearSolvers.warmStarted(cg(d))).withCurvaturePreconditioner(true);
    int coldTotal = 0, warmTotal = 0, bothTotal = 0;
    double worst = 0;
    for (int k = 0; k < steps; k++) {
      double lam = lambda * Math.pow(ratio, k);
      Hypergradient c = hypergradient(cold, lam), w = hypergradient(warm, lam), b = hypergradient(both, lam);
      coldTotal += c.cgIterations();
      warmTotal += w.cgIterations();
      bothTotal += b.cgIterations();
      worst = Math.max(worst, Math.max(Math.abs(w.value() - c.value()), Math.abs(b.value() - c.value())) / Math.abs(c.value()));
    }
    return new WarmStart(steps, coldTotal, warmTotal, bothTotal, worst);
  }
}

package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.autodiff.ParallelMap;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.LBFGS;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;

/**
 * iMAML's inner problem (Rajeswaran et al. 2019, eq. 4) for a {@link SineMlp} on a {@link SineTask}: adaptation
 * from the meta-parameters θ to the task's support set (x, y) by
 * <pre>
 *   φ*(θ) = argmin_φ G(φ, θ),   G(φ, θ) = L(φ; x, y) + (λ/2)‖φ − θ‖²,                        (1)
 * </pre>
 * solved by the library's L-BFGS warm-started at θ. Its solution is differentiated implicitly, by the
 * solver's default mode, from the stationarity condition F(φ, θ) = ∇₁G = ∇L(φ) + λ(φ − θ) = 0: with
 * ∂₁F = ∇²L + λI and ∂₂F = −λI, the implicit function theorem gives ∂φ* / ∂θ = λ(∇²L + λI)⁻¹, so the gradient
 * of a query loss L_q(φ*(θ)) is
 * <pre>
 *   ∇_θ L_q(φ*(θ)) = λ(∇²L(φ*) + λI)⁻¹ ∇L_q(φ*) = (I + ∇²L(φ*)/λ)⁻¹ ∇L_q(φ*)                  (2)
 * </pre>
 * (iMAML's eq. 6), the linear system solved by CG with Hessian-vector products of G: nothing of (2) is
 * written here. The meta-objective of a batch of tasks is the mean of their query losses (eq. 5). Each
 * solve's L-BFGS iterations and each backward solve's CG iterations are counted.
 */
final class ProximalAdaptation {
  private final SineMlp mlp;
  private final double lambda;
  private final double tol;
  private final double cgTol;
  private final SolveCounts counts = new SolveCounts();

  /**
   * @param lambda λ of (1), the strength of the pull towards θ
   * @param tol the inner tolerance on rms(∇₁G) / max(1, rms(φ))
   * @param cgTol the relative residual at which CG stops solving (2)
   */
  ProximalAdaptation(SineMlp mlp, double lambda, double tol, double cgTol) {
    this.mlp = mlp;
    this.lambda = lambda;
    this.tol = tol;
    this.cgTol = cgTol;
  }

  /** G(φ, θ) of (1) on the task's support set. */
  Objective objective(SineTask task) {
    return (phi, th) -> mlp.mse(phi, task.xSupport(), task.ySupport()).add(phi.sub(th[0]).square().sum().mul(lambda / 2));
  }

  /** φ*(θ) of (1), differentiable in θ by (2). */
  Tensor adapt(SineTask task, Tensor theta) {
    ImplicitOptions options = ImplicitOptions.defaults().withSymmetric(true).withListener(counts::count);
    var result = LBFGS.of(objective(task)).withTol(tol).withLinearSolver(LinearSolvers.cg().withTol(cgTol))
        .withImplicitOptions(options).run(theta, theta);
    counts.add(result);
    return result.orThrow();
  }

  /** L_q(φ*(θ)), the query MSE after adaptation. */
  Tensor queryLoss(SineTask task, Tensor theta) {
    return mlp.mse(adapt(task, theta), task.xQuery(), task.yQuery());
  }

  /**
   * The meta-objective (1/B) Σ_b L_q,b(φ*_b(θ)) of a batch of B tasks, the tasks adapted on worker threads at once
   * ({@link ParallelMap}: each runs its own L-BFGS to its own tolerance, and each backward CG solve runs on a worker).
   */
  Tensor metaLoss(List<SineTask> tasks, Tensor theta) {
    return ParallelMap.apply(tasks.size(), (b, th) -> queryLoss(tasks.get(b), th[0]), new Tensor[0], theta).mean();
  }

  /**
   * The meta-objective for finite differences, not differentiable: each φ* from L-BFGS polished by full Newton
   * steps φ ← φ − (∇²₁G)⁻¹∇₁G ({@link NewtonPolish}: truncated CG on Hessian-vector products). A central
   * difference with step h has an error of about ‖∇L_q‖ · (error of φ*) / h, and L-BFGS's line search stops seeing
   * G decrease near rms(∇G) ≈ 1e-8; Newton steps without a line search reach rounding.
   */
  double polishedMetaLoss(List<SineTask> tasks, Tensor theta) {
    Tensor th = theta.concrete();
    double sum = 0;
    for (SineTask task : tasks) {
      Tensor phi = NewtonPolish.of(objective(task)).run(adapt(task, th).concrete(), th).orThrow();
      sum += mlp.mse(phi, task.xQuery(), task.yQuery()).item();
    }
    return sum / tasks.size();
  }

  double lambda() {
    return lambda;
  }

  /** Inner solves so far. */
  long solves() {
    return counts.solves();
  }

  /** L-BFGS iterations so far, over all solves. */
  long innerIterations() {
    return counts.iterations();
  }

  /** CG solves of (2) so far (one per task per meta-gradient). */
  long linearSolves() {
    return counts.linearSolves();
  }

  /** CG iterations so far, over all solves of (2). */
  long cgIterations() {
    return counts.linearIterations();
  }
}

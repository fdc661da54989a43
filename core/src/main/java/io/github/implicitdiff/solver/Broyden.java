package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Broyden's ("good") method for a root of F(x, θ) = 0, with rank-one updates of an inverse-Jacobian
 * estimate H ≈ (∂₁F)⁻¹.
 *
 * <p>One iteration: s = −H F(x_k), x_{k+1} = x_k + s, y = F(x_{k+1}) − F(x_k), and the
 * Sherman–Morrison form of the secant update H ← H + (s − H y) sᵀH / (sᵀ H y) (skipped when
 * |sᵀHy| ≤ 1e-14 ‖s‖ ‖Hy‖). H₀ is the exact inverse of ∂₁F(x₀, θ) by automatic differentiation
 * ({@link InitialJacobian#AUTODIFF}, the default) or the identity. There is no line search: start
 * close enough, or use {@link LevenbergMarquardt} on ½‖F‖². Stopping criterion: ‖F(x_k, θ)‖₂ ≤ tol;
 * the solution is that x_k. All steps are tensor operations, so UNROLLED mode differentiates through
 * them (H₀ through a differentiable dense inverse). Optimality: F itself. Defaults: maxIterations 200,
 * tol 1e-10, IMPLICIT, GMRES. x may have any shape (it is flattened internally).
 *
 * <pre>{@code
 * Optimality F = (x, th) -> x.pow(3).add(x).sub(th[0]);          // x³ + x = θ
 * Tensor x = new Broyden(F).run(Tensor.zeros(3), Tensor.of(2, 10, 30)).orThrow();   // [1, 2, 3]
 * }</pre>
 */
public final class Broyden {
  private static final String NAME = "Broyden";

  /** How the inverse-Jacobian estimate starts. */
  public enum InitialJacobian {
    /** H₀ = (∂₁F(x₀, θ))⁻¹, by automatic differentiation and a dense inverse (n forward passes). */
    AUTODIFF,
    /** H₀ = I (suits F(x) = x − T(x) with T nearly constant). */
    IDENTITY
  }

  private final Optimality F;
  private final SolverSettings settings;
  private final InitialJacobian initialJacobian;

  public Broyden(Optimality F) {
    this(F, SolverSettings.of(200, 1e-10, LinearSolvers.gmres()), InitialJacobian.AUTODIFF);
  }

  public Broyden(Optimality F, SolverSettings settings, InitialJacobian initialJacobian) {
    if (F == null || settings == null || initialJacobian == null)
      throw new IllegalArgumentException(NAME + ": F, settings and initialJacobian must not be null");
    this.F = F;
    this.settings = settings;
    this.initialJacobian = initialJacobian;
  }

  public SolverSettings settings() { return settings; }
  public InitialJacobian initialJacobian() { return initialJacobian; }
  public Broyden withSettings(SolverSettings s) { return new Broyden(F, s, initialJacobian); }
  public Broyden withInitialJacobian(InitialJacobian j) { return new Broyden(F, settings, j); }
  public Broyden withMaxIterations(int n) { return withSettings(settings.withMaxIterations(n)); }
  public Broyden withTol(double tol) { return withSettings(settings.withTol(tol)); }
  public Broyden withDifferentiation(Differentiation d) { return withSettings(settings.withDifferentiation(d)); }
  public Broyden withLinearSolver(LinearSolver s) { return withSettings(settings.withLinearSolver(s)); }
  public Broyden withImplicitOptions(ImplicitOptions o) { return withSettings(settings.withImplicitOptions(o)); }

  /** The function whose root is sought. */
  public Optimality optimality() {
    return F;
  }

  /** Iterates from {@code init} (not modified; its derivative is ignored in IMPLICIT mode). */
  public SolverResult run(Tensor init, Tensor... theta) {
    Tensor x0 = Guards.start(NAME, init, settings.differentiation());
    return Iterations.run(settings.differentiation(), F, th -> iterate(x0, th), settings.linearSolver(),
        settings.implicitOptions(), theta);
  }

  private SolverResult iterate(Tensor init, Tensor[] theta) {
    int[] shape = init.shape();
    int n = init.size();
    Tensor x = init.reshape(-1);
    Tensor Fx = flatF(x, shape, theta, 0);
    Tensor H = initialJacobian == InitialJacobian.IDENTITY ? Tensor.eye(n)
        : io.github.implicitdiff.linalg.DenseSolve.solve(AD.jacobian(z -> F.apply(z.reshape(shape), theta).reshape(-1), x), Tensor.eye(n));
    double first = Fx.concrete().norm2(), error = first;
    Guards.requireFiniteError(NAME, 0, error);
    for (int k = 0; k < settings.maxIterations(); k++) {
      if (error <= settings.tol()) return new SolverResult(x.reshape(shape), k, error, true);
      Tensor s = H.matmul(Fx).neg();
      Tensor xNext = x.add(s);
      Tensor FNext = flatF(xNext, shape, theta, k + 1);
      Tensor y = FNext.sub(Fx);
      Tensor Hy = H.matmul(y);
      Tensor sH = s.matmul(H);
      Tensor denominator = s.dot(Hy);
      double d = denominator.item();
      if (Math.abs(d) > 1e-14 * s.concrete().norm2() * Hy.concrete().norm2())
        H = H.add(s.sub(Hy).outer(sH).div(denominator));
      x = xNext;
      Fx = FNext;
      error = Fx.concrete().norm2();
      Guards.requireNotDiverged(NAME, k + 1, error, first);
    }
    boolean converged = error <= settings.tol();
    return new SolverResult(x.reshape(shape), settings.maxIterations(), error, converged);
  }

  private Tensor flatF(Tensor x, int[] shape, Tensor[] theta, int iteration) {
    Tensor xs = x.reshape(shape);
    Tensor r = F.apply(xs, theta);
    Guards.requireSameShape(NAME, "F(x, θ)", r, xs);
    Guards.requireFinite(NAME, iteration, "F(x, θ)", r);
    return r.reshape(-1);
  }
}

package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.Optimality;
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
 * Tensor x = Broyden.of(F).run(Tensor.zeros(3), Tensor.of(2, 10, 30)).orThrow();   // [1, 2, 3]
 * }</pre>
 */
public final class Broyden extends Optimizer<Broyden> {
  private static final String NAME = "Broyden";

  /** How the inverse-Jacobian estimate starts. */
  public enum InitialJacobian {
    /** H₀ = (∂₁F(x₀, θ))⁻¹, by automatic differentiation and a dense inverse (n forward passes). */
    AUTODIFF,
    /** H₀ = I (suits F(x) = x − T(x) with T nearly constant). */
    IDENTITY
  }

  private final Optimality F;
  private final InitialJacobian initialJacobian;

  private Broyden(OptimizerSettings settings, Optimality F, InitialJacobian initialJacobian) {
    super(settings);
    if (initialJacobian == null) throw new IllegalArgumentException(NAME + ": initialJacobian must not be null");
    this.F = F;
    this.initialJacobian = initialJacobian;
  }

  /** Broyden's method for F(x, θ) = 0: H₀ by autodiff, at most 200 iterations, tol 1e-10 on ‖F‖. */
  public static Broyden of(Optimality F) {
    if (F == null) throw new IllegalArgumentException(NAME + ": F must not be null");
    return new Broyden(OptimizerSettings.defaults(200, 1e-10), F, InitialJacobian.AUTODIFF);
  }

  public InitialJacobian initialJacobian() { return initialJacobian; }
  public Broyden withInitialJacobian(InitialJacobian j) { return new Broyden(settings, F, j); }

  @Override
  Broyden with(OptimizerSettings s) {
    return new Broyden(s, F, initialJacobian);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  String remedies() {
    return "Broyden takes full steps without a line search or damping: start closer to the root, or use"
        + " LevenbergMarquardt (damped steps on ½‖F‖²) or Newton on a merit function; raising maxIterations helps only if"
        + " the error was still falling";
  }

  /** The function whose root is sought. */
  @Override
  public Optimality optimality() {
    return F;
  }

  /** Iterates from {@code init} (not modified; its derivative is ignored in IMPLICIT mode). */
  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    return solve(init, theta, this::iterate);
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
    for (int k = 0; k < maxIterations(); k++) {
      if (error <= tol()) return new SolverResult(x.reshape(shape), k, error, true);
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
    boolean converged = error <= tol();
    return new SolverResult(x.reshape(shape), maxIterations(), error, converged);
  }

  private Tensor flatF(Tensor x, int[] shape, Tensor[] theta, int iteration) {
    Tensor xs = x.reshape(shape);
    Tensor r = F.apply(xs, theta);
    Guards.requireSameShape(NAME, "F(x, θ)", r, xs);
    Guards.requireFinite(NAME, iteration, "F(x, θ)", r);
    return r.reshape(-1);
  }
}

package io.github.implicitdiff.solver;

import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.prox.ProximalOperator;

/**
 * Proximal gradient (ISTA, or FISTA with acceleration) for min_x f(x, θ_f) + g(x, θ_g), f smooth and g
 * with a proximal operator.
 *
 * <p>One iteration: x_{k+1} = prox_{ηg(·; θ_g)}(y_k − η∇₁f(y_k, θ_f)), with y_k = x_k, or with FISTA
 * acceleration y_k = x_k + ((t_{k−1} − 1)/t_k)(x_k − x_{k−1}) (adaptively restarted). η is fixed or found
 * by backtracking on f(z) ≤ f(y) + ⟨∇f(y), z − y⟩ + ‖z − y‖²/(2η) ({@link StepSize}).
 * Optimality condition: F(x, θ) = s · (T(x, θ) − x) with
 * T(x, θ) = prox_{η₀g(·; θ_g)}(x − η₀∇₁f(x, θ_f)), η₀ = {@code stepSize().reference()} (the fixed step, or
 * the backtracking's initial step) and s = max(1, 1/η₀): the larger of the fixed-point residual and the
 * gradient mapping (T − x)/η₀, so that a small fixed step does not shrink the stopping quantity; the implicit
 * system is solved by GMRES by default.
 * Stopping criterion: error = rms(F(x, θ)) / max(1, rms(x)) ≤ tol at the returned x.
 *
 * <p>θ convention: {@code run(init, θ_f..., θ_g...)}: the last {@code proxParameterCount} tensors are the
 * prox's hyperparameters θ_g, the others go to the objective.
 *
 * <pre>{@code
 * // lasso: ½‖Xw − y‖²/n + λ‖w‖₁, differentiable in λ
 * Objective f = (w, th) -> X.matmul(w).sub(y).square().mean().mul(0.5);
 * ProximalGradient pg = ProximalGradient.of(f, ProximalOperator.lasso(), 1).withAcceleration(true);
 * Tensor w = pg.run(Tensor.zeros(d), Tensor.scalar(0.1)).orThrow();          // θ_f = (), θ_g = (λ)
 * Tensor dw = AD.jacobian(lam -> pg.run(Tensor.zeros(d), lam).orThrow(), Tensor.scalar(0.1));
 * }</pre>
 */
public final class ProximalGradient extends ProximalMethod<ProximalGradient> {
  private final ProximalOperator prox;

  private ProximalGradient(OptimizerSettings settings, Objective f, ProximalOperator prox, int proxParameterCount,
      StepSize stepSize, boolean accelerated, ActiveSetReduction activeSet) {
    super(settings, f, prox::apply, proxParameterCount, "prox", stepSize, accelerated, activeSet);
    this.prox = prox;
  }

  /**
   * Proximal gradient on f + g with backtracking from η = 1, no acceleration, at most 10 000 iterations.
   *
   * @param proxParameterCount how many trailing θ tensors are g's hyperparameters
   */
  public static ProximalGradient of(Objective f, ProximalOperator prox, int proxParameterCount) {
    if (f == null || prox == null) throw new IllegalArgumentException("ProximalGradient: objective and prox must not be null");
    Theta.requireCount("ProximalGradient", proxParameterCount, "prox");
    return new ProximalGradient(OptimizerSettings.defaults(10_000), f, prox, proxParameterCount, StepSize.backtracking(), false, null);
  }

  @Override
  ProximalGradient copy(OptimizerSettings settings, StepSize stepSize, boolean accelerated, ActiveSetReduction activeSet) {
    return new ProximalGradient(settings, f, prox, operatorParameterCount, stepSize, accelerated, activeSet);
  }

  public int proxParameterCount() {
    return operatorParameterCount;
  }

  @Override
  public String name() {
    return "ProximalGradient";
  }
}

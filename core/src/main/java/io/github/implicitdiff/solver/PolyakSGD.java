package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.ValueAndGrad;
import io.github.implicitdiff.tensor.Tensor;

/**
 * SGD with capped stochastic Polyak steps (SPS_max, Loizou et al. 2021) for min_x F(x, θ) = f(x, all rows, θ).
 *
 * <p>Step k on minibatch i_k: g = ∇f_i(x_k), η = min((f_i(x_k) − f*) / (c‖g‖²), s·γ_max), x_{k+1} = x_k − ηg, with
 * f* a lower bound of every minibatch objective (default 0, exact for non-negative losses; the paper's f_i*), c = 0.5
 * and γ_max = 1 by default (s the epoch's {@link #withStepDecay} scale). A minibatch value below f* throws: f* must
 * be a lower bound. The uncapped step is a differentiable function of x and θ and UNROLLED differentiates through
 * it. Epochs, stopping and differentiation: {@link StochasticMinimizer}.
 *
 * <pre>{@code
 * BatchObjective f = (w, batch, th) -> Objectives.l2BinaryLogistic(w, th[0], batch[0], batch[1]);
 * PolyakSGD sgd = PolyakSGD.of(f, Dataset.of(X, y)).withMaxStep(2).withStepDecay(0.95);
 * Tensor w = sgd.run(Tensor.zeros(d), Tensor.scalar(0.01)).orThrow();
 * }</pre>
 */
public final class PolyakSGD extends StochasticMinimizer<PolyakSGD> {
  private final double maxStep, c, fStar;

  private PolyakSGD(OptimizerSettings settings, BatchObjective f, Sampling sampling, double maxStep, double c, double fStar) {
    super(settings, f, sampling);
    this.maxStep = maxStep;
    this.c = c;
    this.fStar = fStar;
  }

  /** Polyak SGD on f over the data: γ_max = 1, c = 0.5, f* = 0, 100 epochs, tol 1e-6. */
  public static PolyakSGD of(BatchObjective f, Dataset data) {
    return new PolyakSGD(defaultSettings(), f, sampling("PolyakSGD", f, data), 1, 0.5, 0);
  }

  @Override
  PolyakSGD with(OptimizerSettings s) {
    return new PolyakSGD(s, f, sampling, maxStep, c, fStar);
  }

  @Override
  PolyakSGD with(Sampling s) {
    return new PolyakSGD(settings, f, s, maxStep, c, fStar);
  }

  /** The cap γ_max &gt; 0 on the step (default 1). */
  public PolyakSGD withMaxStep(double value) {
    return new PolyakSGD(settings, f, sampling, positive("the maximum step", value), c, fStar);
  }

  /** The constant c &gt; 0 of the Polyak step (default 0.5). */
  public PolyakSGD withPolyakConstant(double value) {
    return new PolyakSGD(settings, f, sampling, maxStep, positive("the Polyak constant", value), fStar);
  }

  /** A lower bound f* of every minibatch objective (default 0). */
  public PolyakSGD withLowerBound(double value) {
    if (!Double.isFinite(value)) throw new IllegalArgumentException(name() + ": the lower bound f* must be finite, got " + value);
    return new PolyakSGD(settings, f, sampling, maxStep, c, value);
  }

  public double maxStep() {
    return maxStep;
  }

  public double lowerBound() {
    return fStar;
  }

  @Override
  public String name() {
    return "PolyakSGD";
  }

  @Override
  StochasticLoop.StepRule newRule() {
    return (x, fi, k, scale) -> {
      ValueAndGrad vg = fi.valueAndGrad(x);
      Tensor g = vg.grad(), gg = g.square().sum();
      double gap = vg.value().item() - fStar, cap = scale * maxStep, norm2 = gg.item();
      if (gap < 0)
        throw new IllegalArgumentException(name() + ": a minibatch objective is " + vg.value().item() + " at step " + k
            + ", below the lower bound f* = " + fStar + "; f* must bound every minibatch objective from below (withLowerBound)");
      if (norm2 == 0) return x;
      if (gap / (c * norm2) >= cap) return x.sub(g.mul(cap));
      return x.sub(g.mul(vg.value().sub(fStar).div(gg.mul(c)))); // η = (f_i − f*)/(c‖g‖²), differentiable
    };
  }
}

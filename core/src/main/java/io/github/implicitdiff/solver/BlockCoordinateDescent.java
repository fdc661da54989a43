package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.ValueAndGrad;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * Block proximal coordinate descent for min_x f(x, θ_f) + Σ_b g(x_b, θ_g), the blocks x_b being the
 * slices of x along its first axis (the rows of a matrix; the coordinates of a vector) and g separable
 * over them — for example each row of the multiclass SVM dual on a simplex, or the lasso coordinate by
 * coordinate.
 *
 * <p>One iteration is one cyclic sweep over the blocks b = 0..n−1, each a proximal gradient step on its
 * block: x_b ← prox_{η_b g(·; θ_g)}(x_b − η_b ∇_b f(x, θ_f)). η_b is fixed, or found per block by
 * backtracking on f(x') ≤ f(x) + ⟨∇_b f, x'_b − x_b⟩ + ‖x'_b − x_b‖²/(2η_b) (or its gradient form, see
 * {@link StepSize}); each block keeps its own step across sweeps.
 * Optimality condition: the full proximal-gradient fixed-point residual
 * F(x, θ) = prox_{η₀g}(x − η₀∇₁f(x, θ_f)) − x (the prox applied block by block), η₀ =
 * {@code stepSize().reference()}; GMRES solves the implicit system by default.
 * Stopping criterion, after each sweep: error = rms(F(x, θ)) / max(1, rms(x)) ≤ tol.
 *
 * <p>θ convention: {@code run(init, θ_f..., θ_g...)}: the last {@code proxParameterCount} tensors are the
 * block prox's hyperparameters (they must apply to a single block), the others go to the objective.
 *
 * <pre>{@code
 * // multiclass SVM dual: β (m, k), each row on the simplex; θ_f = (λ)
 * Objective dual = (b, th) -> MulticlassSvm.dual(b, th[0], X, Y);
 * ProximalOperator simplex = ProximalOperator.fromProjection(Projection.simplex());
 * BlockCoordinateDescent bcd = BlockCoordinateDescent.of(dual, simplex, 1);
 * Tensor beta = bcd.run(Y, lambda, Tensor.scalar(1)).orThrow();
 * }</pre>
 */
public final class BlockCoordinateDescent extends Optimizer<BlockCoordinateDescent> {
  private final Objective f;
  private final ProximalOperator prox;
  private final int proxParameterCount;
  private final StepSize stepSize;

  private BlockCoordinateDescent(OptimizerSettings settings, Objective f, ProximalOperator prox, int proxParameterCount,
      StepSize stepSize) {
    super(settings);
    this.f = f;
    this.prox = prox;
    this.proxParameterCount = proxParameterCount;
    this.stepSize = stepSize;
  }

  /** Block coordinate descent with per-block backtracking from η = 1, at most 2 000 sweeps. */
  public static BlockCoordinateDescent of(Objective f, ProximalOperator blockProx, int proxParameterCount) {
    if (f == null || blockProx == null)
      throw new IllegalArgumentException("BlockCoordinateDescent: objective and prox must not be null");
    Theta.requireCount("BlockCoordinateDescent", proxParameterCount, "prox");
    return new BlockCoordinateDescent(OptimizerSettings.defaults(2_000), f, blockProx, proxParameterCount,
        StepSize.backtracking());
  }

  @Override
  BlockCoordinateDescent with(OptimizerSettings s) {
    return new BlockCoordinateDescent(s, f, prox, proxParameterCount, stepSize);
  }

  /** The step size rule of every block (default {@link StepSize#backtracking()}). */
  public BlockCoordinateDescent withStepSize(StepSize value) {
    if (value == null) throw new IllegalArgumentException("BlockCoordinateDescent: stepSize must not be null");
    return new BlockCoordinateDescent(settings, f, prox, proxParameterCount, value);
  }

  public StepSize stepSize() {
    return stepSize;
  }

  public int proxParameterCount() {
    return proxParameterCount;
  }

  @Override
  public String name() {
    return "BlockCoordinateDescent";
  }

  @Override
  boolean symmetricOptimality() {
    return false;
  }

  /** T_η(x)_b = prox_{ηg}(x_b − η (∇f)_b) for every block b. */
  private Tensor blockStep(Tensor x, Tensor grad, double eta, Tensor[] thetaG) {
    Tensor moved = x.sub(grad.mul(eta));
    Tensor[] blocks = new Tensor[x.dim(0)];
    for (int b = 0; b < blocks.length; b++) blocks[b] = prox.apply(moved.index(0, b), eta, thetaG);
    return Tensor.stack(0, blocks);
  }

  /** F(x, θ) = T_{η₀}(x, θ) − x with the prox applied block by block. */
  @Override
  public Optimality optimality() {
    double eta0 = stepSize.reference();
    Optimality gradient = Stationarity.of(f);
    return (x, theta) -> {
      Theta split = Theta.split(name(), theta, proxParameterCount, "prox");
      return blockStep(x, gradient.apply(x, split.objective()), eta0, split.operator()).sub(x);
    };
  }

  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    Theta.split(name(), theta, proxParameterCount, "prox");
    if (init != null && init.ndim() == 0)
      throw new IllegalArgumentException(name() + ": init must have at least one axis (the blocks), got a scalar");
    return solve(init, theta, (x0, th) -> {
      Theta split = Theta.split(name(), th, proxParameterCount, "prox");
      return sweep(x0, split.objective(), split.operator());
    });
  }

  private ValueAndGrad evaluate(Tensor x, Tensor[] thetaF) {
    return AD.valueAndGrad(z -> f.apply(z, thetaF), x);
  }

  private SolverResult sweep(Tensor x0, Tensor[] thetaF, Tensor[] thetaG) {
    int n = x0.dim(0);
    double[] eta = new double[n];
    Arrays.fill(eta, stepSize.reference());
    Tensor x = x0;
    ValueAndGrad at = evaluate(x, thetaF);
    Guards.requireFiniteStart(name(), at.value(), at.grad());
    double error = Double.NaN, initialError = Double.NaN;
    for (int k = 0; k < maxIterations(); k++) {
      error = Guards.relativeRms(blockStep(x, at.grad(), stepSize.reference(), thetaG).sub(x), x);
      if (k == 0) initialError = error;
      if (error <= tol()) return new SolverResult(x, k, error, true);
      Guards.requireNotDiverging(name(), k, stepSize.describe(stepSize.reference()), initialError, error);
      for (int b = 0; b < n; b++) {
        Tensor xb = x.index(0, b), gb = at.grad().index(0, b);
        Tensor mask = blockMask(x.shape(), b);
        if (stepSize instanceof StepSize.Fixed) {
          Tensor zb = prox.apply(xb.sub(gb.mul(eta[b])), eta[b], thetaG);
          x = x.add(mask.mul(zb.sub(xb).expandDims(0)));
          at = evaluate(x, thetaF);
          Guards.requireFiniteStep(name(), k, stepSize.describe(eta[b]), "the objective or its gradient", at.value(), at.grad());
          continue;
        }
        StepSize.Backtracking bt = (StepSize.Backtracking) stepSize;
        double fx = at.value().item();
        boolean accepted = false;
        for (int s = 0; s <= bt.maxShrinks() && !accepted; s++) {
          Tensor zb = prox.apply(xb.sub(gb.mul(eta[b])), eta[b], thetaG);
          Tensor step = zb.sub(xb);
          Tensor trial = x.add(mask.mul(step.expandDims(0)));
          ValueAndGrad next = trial.allFinite() ? evaluate(trial, thetaF) : null;
          if (next != null && next.value().allFinite() && next.grad().allFinite()) {
            double bound = 0.5 * step.vdot(step) / eta[b];
            double valueGap = next.value().item() - fx - gb.vdot(step);
            double gradientGap = next.grad().index(0, b).sub(gb).vdot(step);
            if (valueGap <= bound || gradientGap <= bound) {
              x = trial;
              at = next;
              accepted = true;
              eta[b] *= bt.growth();
              break;
            }
          }
          eta[b] *= bt.shrink();
        }
        if (!accepted)
          throw new NotConvergedException(name() + ": backtracking on block " + b + " found no step satisfying the"
              + " sufficient decrease test after " + bt.maxShrinks() + " shrinks (step size down to " + eta[b]
              + ") in sweep " + k + "; check that the objective is smooth and its gradient correct");
      }
    }
    return new SolverResult(x, maxIterations(), error, false);
  }

  /** e_b along the first axis, shaped (n, 1, ..., 1) to broadcast over a block. */
  private static Tensor blockMask(int[] shape, int b) {
    int[] maskShape = new int[shape.length];
    Arrays.fill(maskShape, 1);
    maskShape[0] = shape[0];
    double[] m = new double[shape[0]];
    m[b] = 1;
    return Tensor.fromArray(m, maskShape);
  }
}

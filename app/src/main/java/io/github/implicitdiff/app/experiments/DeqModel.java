package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.implicit.FixedPointMap;
import io.github.implicitdiff.implicit.ImplicitDiagnostics;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.loss.Losses;
import io.github.implicitdiff.solver.AndersonAcceleration;
import io.github.implicitdiff.solver.Differentiation;
import io.github.implicitdiff.solver.FixedPointIteration;
import io.github.implicitdiff.solver.Optimizer;
import io.github.implicitdiff.solver.SolverResult;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/**
 * A classifier with hidden state z ∈ ℝʰ per input x ∈ ℝᵈ and logits V z + c, trained on the mean
 * cross-entropy. Parameters, in this order: U (h×d), b (h), V (k×h), c (k) and, for the equilibrium
 * models, Ŵ (h×h). Three ways to get z for a minibatch X (B×d), row-wise:
 * <ul>
 *   <li>{@link Kind#IMPLICIT}: the fixed point Z* = T(Z*), T(Z) = tanh(Z Wᵀ + X Uᵀ + b) (1), with
 *   W = Ŵ·min(1, γ/σ(Ŵ)) ({@link SpectralCap}); found by Anderson acceleration (or fixed-point iteration)
 *   on the whole (B×h) block, from Z = 0,
 *   whose Jacobian ∂T/∂Z is block diagonal with blocks diag(1 − z_i²) W; differentiated by the implicit
 *   function theorem applied to F(Z, θ) = T(Z, θ) − Z (the solver's built-in mode): a VJP solves
 *   (∂T/∂Z − I)ᵀ w = −g by GMRES and returns (∂T/∂θ)ᵀ w, so nothing of the forward iterations is kept.
 *   Since ‖∂T/∂Z‖₂ ≤ max|1 − z²|·‖W‖₂ ≤ γ &lt; 1, T is a contraction: the fixed point exists, is unique,
 *   fixed-point iteration converges at rate γ, and I − ∂T/∂Z has singular values ≥ 1 − γ.</li>
 *   <li>{@link Kind#UNROLLED}: Z_K after K steps Z_{j+1} = T(Z_j) from Z_0 = 0, differentiated through the
 *   recorded steps (the tape grows linearly in K).</li>
 *   <li>{@link Kind#MLP}: one tanh layer Z = tanh(X Uᵀ + b), i.e. (1) with W = 0; no Ŵ.</li>
 * </ul>
 * Mutable: it keeps the spectral-norm warm start and the last solve's statistics.
 */
final class DeqModel {
  /** How the hidden state is computed and differentiated. */
  enum Kind { IMPLICIT, UNROLLED, MLP }

  /** The forward solver of {@link Kind#IMPLICIT}. */
  enum Forward { ANDERSON, FPI }

  /** T(Z; W, U, b, X) = tanh(Z Wᵀ + X Uᵀ + b), θ = (W, U, b, X). */
  static final FixedPointMap MAP = (Z, th) -> Z.matmul(th[0].T()).add(th[3].matmul(th[1].T())).add(th[2]).tanh();

  private final Kind kind;
  private final int hidden;
  private final SpectralCap cap;
  private final Optimizer<?> forward;
  private final FixedPointIteration unrolled;
  private final double tolRms;
  private int lastIterations;
  private int lastBackwardIterations;

  /** {@link Forward#ANDERSON}. */
  DeqModel(Kind kind, int hidden, double gamma, int unrollSteps, double tolRms) {
    this(kind, Forward.ANDERSON, hidden, gamma, unrollSteps, tolRms);
  }

  /**
   * @param forward the forward solver of IMPLICIT: Anderson acceleration (memory 5) or plain fixed-point iteration
   * @param hidden h
   * @param gamma γ, the cap on ‖W‖₂ (unused by the MLP)
   * @param unrollSteps K (UNROLLED only)
   * @param tolRms the forward solve's tolerance on rms(T(Z) − Z) (IMPLICIT; Anderson) or on the rms of its last
   *     step (fixed-point iteration)
   */
  DeqModel(Kind kind, Forward forward, int hidden, double gamma, int unrollSteps, double tolRms) {
    this.kind = kind;
    this.hidden = hidden;
    this.cap = new SpectralCap(gamma, hidden);
    this.tolRms = tolRms;
    ImplicitOptions options = ImplicitOptions.defaults().withListener(this::record);
    var gmres = LinearSolvers.gmres().withTol(1e-8);
    this.forward = forward == Forward.ANDERSON
        ? AndersonAcceleration.of(MAP).withMemory(5).withMaxIterations(1000).withLinearSolver(gmres).withImplicitOptions(options)
        : FixedPointIteration.of(MAP).withMaxIterations(1000).withLinearSolver(gmres).withImplicitOptions(options);
    // tol below any reachable step length: exactly K recorded steps
    this.unrolled = FixedPointIteration.of(MAP).withMaxIterations(Math.max(1, unrollSteps)).withTol(Double.MIN_VALUE)
        .withDifferentiation(Differentiation.UNROLLED);
  }

  Kind kind() {
    return kind;
  }

  /** U, b, V, c (and Ŵ unless MLP), Gaussian with variance 1/fan-in, biases 0; Ŵ with ‖Ŵ‖₂ ≈ 1 before the cap. */
  Tensor[] init(Random rng, int d, int k) {
    Tensor U = Tensor.randn(rng, hidden, d).div(Math.sqrt(d)), b = Tensor.zeros(hidden);
    Tensor V = Tensor.randn(rng, k, hidden).div(Math.sqrt(hidden)), c = Tensor.zeros(k);
    if (kind == Kind.MLP) return new Tensor[] {U, b, V, c};
    Tensor What = Tensor.randn(rng, hidden, hidden).div(2 * Math.sqrt(hidden));
    return new Tensor[] {U, b, V, c, What};
  }

  /** The hidden states Z (B×h) of the rows of X, differentiable in the parameters. */
  Tensor hidden(Tensor[] p, Tensor X) {
    if (kind == Kind.MLP) {
      lastIterations = 0;
      return X.matmul(p[0].T()).add(p[1]).tanh();
    }
    Tensor W = cap.apply(p[4]);
    Tensor Z0 = Tensor.zeros(X.dim(0), hidden);
    SolverResult r = kind == Kind.IMPLICIT
        ? forward.withTol(tolRms * Math.sqrt(Z0.size())).run(Z0, W, p[0], p[1], X)
        : unrolled.run(Z0, W, p[0], p[1], X);
    if (kind == Kind.IMPLICIT) r.orThrow();
    lastIterations = r.iterations();
    return r.solution();
  }

  /** Logits Z Vᵀ + c (B×k). */
  Tensor logits(Tensor[] p, Tensor X) {
    return hidden(p, X).matmul(p[2].T()).add(p[3]);
  }

  /** Mean cross-entropy of the rows of X with labels y. */
  Tensor loss(Tensor[] p, Tensor X, int[] y) {
    return Losses.multiclassLogistic(y, logits(p, X)).mean();
  }

  /** The fraction of rows of X whose largest logit is at their label. */
  double accuracy(Tensor[] p, Tensor X, int[] y) {
    int[] pred = logits(p, X).argmax(1);
    int ok = 0;
    for (int i = 0; i < y.length; i++) if (pred[i] == y[i]) ok++;
    return ok / (double) y.length;
  }

  /** W = Ŵ·min(1, γ/σ(Ŵ)) of an equilibrium model's parameters (concrete). */
  Tensor effectiveW(Tensor[] p) {
    return cap.apply(p[4].concrete()).concrete();
  }

  /** σ(W) by the cap's power iteration, warm-started at Ŵ's top singular vector (W ∝ Ŵ has the same). */
  double spectralNorm(Tensor W) {
    return cap.sigma(W);
  }

  /** Forward iterations of the last {@link #hidden} call (Anderson for IMPLICIT, K for UNROLLED, 0 for MLP). */
  int lastIterations() {
    return lastIterations;
  }

  /** GMRES iterations of the last implicit VJP solve (0 before any). */
  int lastBackwardIterations() {
    return lastBackwardIterations;
  }

  private void record(ImplicitDiagnostics d) {
    if (d.stage() == ImplicitDiagnostics.Stage.VJP && d.linearSolution() != null)
      lastBackwardIterations = d.linearSolution().iterations();
  }
}

package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The training loss of the OptNet denoising layer {@link TvQpLayer} and its gradient. With the operator parametrized
 * as D = P ⊙ M (M a 0/1 mask of the learned entries, {@link #band}) and λ = e^s,
 * <pre>
 *   L(P, s) = (1/|B|) Σ_{(x, y) ∈ B} ‖x̂(y; P ⊙ M, e^s) − x‖² / n,
 * </pre>
 * whose gradient is (M ⊙ ∂L/∂D, λ ∂L/∂λ), ∂L/∂D and ∂L/∂λ coming from the implicit derivative of the QP's KKT
 * conditions. A signal whose solution has a weakly active constraint (where x̂ is not differentiable and the solver
 * refuses) is left out of the batch and counted.
 */
final class OptNetTraining {
  private final TvQpLayer layer;
  private final Tensor mask;
  private int skipped;

  /** @param mask M, k×n, 1 where D is learned and 0 where it stays 0 */
  OptNetTraining(TvQpLayer layer, Tensor mask) {
    this.layer = layer;
    this.mask = mask;
  }

  /** The loss and its gradient in (P, s) over the signals that could be differentiated. */
  record Step(double loss, Tensor gradP, Tensor gradLogLambda, List<TvSignal> used) {}

  /**
   * (1/|B|) Σ ‖x̂(y; D, λ) − x‖² / n over {@code signals}, differentiable in D (k×n) and λ (a scalar).
   * @throws SingularMatrixException if some solution has a weakly active constraint (and D or λ is traced)
   */
  Tensor loss(Tensor D, Tensor lambda, List<TvSignal> signals) {
    Tensor sum = Tensor.scalar(0);
    for (TvSignal s : signals) sum = sum.add(s.mse(layer.denoise(D, lambda, s.noisy())));
    return sum.div(signals.size());
  }

  /** {@link #loss} as a plain number (no derivative, so no weakly-active exception). */
  double mse(Tensor D, double lambda, List<TvSignal> signals) {
    return loss(D.concrete(), Tensor.scalar(lambda), signals).item();
  }

  /** L(P, s) on {@code batch} and its gradient, each signal differentiated on its own so that a degenerate one can be left out. */
  Step step(Tensor P, Tensor logLambda, List<TvSignal> batch) {
    Tensor gP = Tensor.zeros(P.shape()), gS = Tensor.scalar(0);
    double loss = 0;
    List<TvSignal> used = new ArrayList<>();
    for (TvSignal s : batch) {
      try {
        var vg = AD.valueAndGradAll(th -> loss(th[0].mul(mask), th[1].exp(), List.of(s)), P, logLambda);
        loss += vg.value().item();
        gP = gP.add(vg.grads()[0]);
        gS = gS.add(vg.grads()[1]);
        used.add(s);
      } catch (SingularMatrixException e) {
        if (!layer.solve(P.mul(mask), logLambda.exp(), s.noisy()).degenerate()) throw e;
        skipped++;
      }
    }
    if (used.isEmpty()) throw new IllegalStateException("optnet: every signal of the batch has a weakly active constraint");
    int b = used.size();
    return new Step(loss / b, gP.div(b).concrete(), gS.div(b).concrete(), List.copyOf(used));
  }

  /** Signals left out of a batch so far because of a weakly active constraint. */
  int skipped() {
    return skipped;
  }

  /**
   * The band mask M (n−1)×n of the entries D_{i,j}, i − 1 ≤ j ≤ i + 2: four taps per row around the first difference
   * x_{i+1} − x_i (4n − 6 learned entries instead of n(n − 1)).
   */
  static Tensor band(int n) {
    double[][] m = new double[n - 1][n];
    for (int i = 0; i < n - 1; i++) for (int j = Math.max(0, i - 1); j <= Math.min(n - 1, i + 2); j++) m[i][j] = 1;
    return Tensor.of(m);
  }
}

package io.github.implicitdiff.app.experiments;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.solver.Differentiation;
import io.github.implicitdiff.solver.InteriorPointQp;
import io.github.implicitdiff.solver.QpSolution;
import io.github.implicitdiff.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptNetTest {
  private static final int N = 8;
  private static final double LAMBDA = 0.3;

  /** Three signals of length 8, D = D₁ + N(0, 0.1²) noise on every entry, λ = 0.3, and the implicit gradient (D, λ). */
  private record Instance(List<TvSignal> signals, Tensor D, Tensor lambda, Tensor gradD, Tensor gradLambda) {
    static Instance of(long seed) {
      Random rng = new Random(seed);
      List<TvSignal> signals = TvSignal.draw(rng, 3, N, 0.5);
      Tensor D = TvQpLayer.firstDifferences(N).add(Tensor.randn(rng, N - 1, N).mul(0.1)), lambda = Tensor.scalar(LAMBDA);
      Tensor[] g = AD.gradAll(th -> training(Differentiation.IMPLICIT).loss(th[0], th[1], signals), D, lambda);
      return new Instance(signals, D, lambda, g[0], g[1]);
    }
  }

  private static OptNetTraining training(Differentiation mode) {
    return new OptNetTraining(new TvQpLayer(InteriorPointQp.of().withDifferentiation(mode)), Tensor.ones(N - 1, N));
  }

  /** For each signal, the active set {i : μ_i > h_i − G_i x}, and the smallest max(μ_i, slack_i) (0 at a weakly active constraint). */
  private static double activeSets(Tensor D, double lambda, List<TvSignal> signals, StringBuilder sets) {
    TvQpLayer layer = new TvQpLayer(InteriorPointQp.of());
    double margin = Double.POSITIVE_INFINITY;
    for (TvSignal s : signals) {
      QpSolution q = layer.solve(D, Tensor.scalar(lambda), s.noisy());
      double[] mu = q.inequalityDual().toDoubleArray(), x = q.primal().slice(0, 0, N).toDoubleArray();
      double[] t = q.primal().slice(0, N, 2 * N - 1).toDoubleArray(), dx = D.matmul(Tensor.of(x)).toDoubleArray();
      for (int i = 0; i < mu.length; i++) {
        int r = i % (N - 1);
        double slack = t[r] - (i < N - 1 ? dx[r] : -dx[r]);
        margin = Math.min(margin, Math.max(mu[i], slack));
        sets.append(mu[i] > slack ? '1' : '0');
      }
      sets.append('|');
    }
    return margin;
  }

  /**
   * The implicit gradient of the training loss in D and λ against central differences along random unit directions
   * in (D, λ), values from untraced solves. The point is away from kinks (every constraint has μ_i or its slack above
   * 1e-3) and the active sets are the same at both ends of every difference, so the loss is smooth along each step.
   * A wrong sign, a transposed D or a missing λ term is off by order one.
   */
  @Test
  void gradientMatchesCentralDifferences() {
    Instance in = Instance.of(4);
    OptNetTraining values = training(Differentiation.IMPLICIT);
    StringBuilder at = new StringBuilder();
    double margin = activeSets(in.D(), LAMBDA, in.signals(), at);
    assertTrue(margin > 1e-3, "no weakly active constraint: margin " + margin);
    assertTrue(in.gradD().norm2() > 1e-2 && Math.abs(in.gradLambda().item()) > 1e-3,
        "a non-trivial gradient: " + in.gradD().norm2() + ", " + in.gradLambda().item());
    Random rng = new Random(11);
    double h = 1e-5;
    for (int r = 0; r < 4; r++) {
      Tensor u = Tensor.randn(rng, N - 1, N);
      double v = rng.nextGaussian(), norm = Math.sqrt(u.square().sum().item() + v * v);
      u = u.div(norm);
      v /= norm;
      StringBuilder plus = new StringBuilder(), minus = new StringBuilder();
      activeSets(in.D().add(u.mul(h)), LAMBDA + v * h, in.signals(), plus);
      activeSets(in.D().sub(u.mul(h)), LAMBDA - v * h, in.signals(), minus);
      assertEquals(at.toString(), plus.toString(), "active sets at +h");
      assertEquals(at.toString(), minus.toString(), "active sets at −h");
      double fd = (values.mse(in.D().add(u.mul(h)), LAMBDA + v * h, in.signals())
          - values.mse(in.D().sub(u.mul(h)), LAMBDA - v * h, in.signals())) / (2 * h);
      double ad = in.gradD().vdot(u) + in.gradLambda().item() * v;
      assertEquals(fd, ad, 1e-8, "direction " + r); // measured: at most 1.1e-11 (|ad| 0.012 to 0.069; margin 0.016)
    }
  }

  /**
   * The same gradient by the solver's UNROLLED mode, which differentiates the dense solve of the identified active
   * set's equality-constrained QP instead of the KKT conditions: an independent path that must agree to rounding.
   */
  @Test
  void implicitGradientMatchesTheUnrolledActiveSetPath() {
    Instance in = Instance.of(5);
    Tensor[] g = AD.gradAll(th -> training(Differentiation.UNROLLED).loss(th[0], th[1], in.signals()), in.D(), in.lambda());
    assertTrue(g[0].allClose(in.gradD(), 1e-9), "∂L/∂D"); // measured: 6e-17 (‖∂L/∂D‖ = 0.31, ∂L/∂λ = −0.068)
    assertEquals(g[1].item(), in.gradLambda().item(), 1e-9 * Math.max(1, Math.abs(g[1].item())), "∂L/∂λ");
  }

  /**
   * λ‖Dx‖₁ depends on (D, λ) only through λD, so L(cD, λ/c) = L(D, λ) and d/dc at c = 1 gives ⟨∂L/∂D, D⟩ = λ ∂L/∂λ:
   * the two gradients, computed through different parameters of the QP (G and c), must be consistent.
   */
  @Test
  void gradientsInDAndLambdaRespectTheScaleInvariance() {
    Instance in = Instance.of(6);
    double lhs = in.gradD().vdot(in.D()), rhs = LAMBDA * in.gradLambda().item();
    assertTrue(Math.abs(rhs) > 1e-3, "non-trivial: " + rhs);
    assertEquals(rhs, lhs, 1e-10 * Math.max(1, Math.abs(rhs))); // measured: equal to 17 digits (0.1021)
  }

  /**
   * TV on two samples, D = (−1, 1), λ = 0.5: y = (0, 1) has |y₂ − y₁| = 2λ exactly, so x̂ = (½, ½) with one constraint
   * at equality and zero dual (weakly active). The step leaves that signal out, counts it, and returns the gradient of
   * the other signal alone.
   */
  @Test
  void aWeaklyActiveSignalIsLeftOutOfTheBatchAndCounted() {
    Tensor P = Tensor.of(new double[][] {{-1, 1}}), logLambda = Tensor.scalar(Math.log(0.5));
    TvSignal degenerate = new TvSignal(Tensor.of(0.5, 0.5), Tensor.of(0, 1)), fine = new TvSignal(Tensor.of(0, 2), Tensor.of(0, 3));
    TvQpLayer layer = new TvQpLayer(InteriorPointQp.of());
    assertTrue(layer.solve(P, Tensor.scalar(0.5), degenerate.noisy()).degenerate());
    OptNetTraining training = new OptNetTraining(layer, OptNetTraining.band(2));
    OptNetTraining.Step both = training.step(P, logLambda, List.of(degenerate, fine));
    OptNetTraining.Step alone = new OptNetTraining(layer, OptNetTraining.band(2)).step(P, logLambda, List.of(fine));
    assertEquals(1, training.skipped());
    assertEquals(List.of(fine), both.used());
    assertTrue(both.gradP().allClose(alone.gradP(), 1e-14) && both.gradP().norm2() > 0.1, both.gradP().toString());
    assertEquals(alone.loss(), both.loss(), 1e-14);
    // x̂ = (0.5, 2.5): the loss (0.25 + 0.25)/2 = 0.25
    assertEquals(0.25, alone.loss(), 1e-9);
  }

  @Test
  void quickRunBeatsTheNoisyInputAndItsInitializationAndComesCloseToTunedTv(@TempDir Path dir) throws Exception {
    CommandLineRun r = CommandLineRun.quick(dir, "optnet", "o.json");
    int steps = (int) r.number("steps");
    assertEquals(steps, r.numbers("train_loss").size());
    for (String key : List.of("tv_lambda", "tv_train_mse", "initial_train_mse", "learned_train_mse", "learned_lambda",
        "ms_per_step", "qp_iterations_per_solve", "weakly_active_skipped", "fd_relative_difference"))
      assertTrue(r.json().get(key) instanceof Number, key);
    assertTrue(r.number("fd_relative_difference") < 1e-6); // measured 2.8e-10
    double noisy = r.number("noisy_test_mse"), tv = r.number("tv_test_mse"), initial = r.number("initial_test_mse");
    double learned = r.number("learned_test_mse");
    // measured (two runs, 60 and 40 training signals): noisy 0.262/0.241, TV 0.0696/0.0673, initial 0.092/0.110, learned 0.0741/0.0742
    assertTrue(learned < 0.5 * noisy, learned + " vs noisy " + noisy);
    assertTrue(learned < 0.9 * initial, learned + " vs its initialization " + initial);
    assertTrue(learned < 1.15 * tv, learned + " vs tuned TV " + tv);
    assertTrue(Files.size(dir.resolve("o-signal.png")) > 1000);
    assertTrue(Files.size(dir.resolve("o-training.png")) > 1000);
  }

  @Test
  void badOptionValuesEndInOneLine() throws Exception {
    CommandLineRun.assertEachEndsInOneLine("optnet", Map.of("--n", "4", "--steps", "0", "--lr", "-1", "--sigma", "0",
        "--init-noise", "2", "--lambda0", "abc", "--batch", "0"));
  }
}

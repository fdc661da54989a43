package io.github.implicitdiff.app.experiments;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeqTest {
  private static final int B = 3, H = 4, D = 5, K = 3;
  private static final int[] LABELS = {0, 2, 1};

  /** Parameters U, b, V, c, Ŵ of the tiny instance and its inputs X; Ŵ scaled so that σ(Ŵ) = {@code sigma}. */
  private static Tensor[] tiny(Random rng, double sigma) {
    Tensor U = Tensor.randn(rng, H, D), b = Tensor.randn(rng, H).mul(0.5);
    Tensor V = Tensor.randn(rng, K, H), c = Tensor.randn(rng, K);
    Tensor What = Tensor.randn(rng, H, H);
    What = What.mul(sigma / new SpectralCap(1, H).sigma(What));
    return new Tensor[] {U, b, V, c, What, Tensor.randn(rng, B, D)};
  }

  /** The loss as a function of (U, b, Ŵ, X), the other parameters fixed. */
  private static Function<Tensor[], Tensor> loss(DeqModel model, Tensor[] all) {
    return in -> model.loss(new Tensor[] {in[0], in[1], all[2], all[3], in[2]}, in[3], LABELS);
  }

  /**
   * ∇ of the cross-entropy in U, b, Ŵ and X by implicit differentiation of z = tanh(Wz + Ux + b) (through the
   * spectral cap, active here: σ(Ŵ) = 1.3 > γ = 0.9) against central differences along 3 random directions per
   * input, the values from Anderson solves to rms 1e-13 with no derivative taken (independent of the implicit
   * layer); and against reverse mode through 300 recorded fixed-point steps (0.9³⁰⁰ ≈ 2e-14 from the fixed point).
   * Then the same with σ(Ŵ) = 0.6 &lt; γ, where W = Ŵ.
   * A transposed W, a wrong sign or a missing (I − ∂T/∂z)⁻¹ is off by order 0.1–1 here.
   */
  @Test
  void implicitGradientMatchesCentralDifferencesAndConvergedUnrolling() {
    for (double sigma : new double[] {1.3, 0.6}) { // the cap active, and the identity branch
      Random rng = new Random(11);
      Tensor[] all = tiny(rng, sigma);
      Tensor[] inputs = {all[0], all[1], all[4], all[5]};
      DeqModel implicit = new DeqModel(DeqModel.Kind.IMPLICIT, H, 0.9, 1, 1e-13);
      DeqModel unrolled = new DeqModel(DeqModel.Kind.UNROLLED, H, 0.9, 300, 1e-13);
      DeqModel values = new DeqModel(DeqModel.Kind.IMPLICIT, H, 0.9, 1, 1e-13);
      Tensor[] g = AD.gradAll(loss(implicit, all)::apply, inputs);
      Tensor[] gu = AD.gradAll(loss(unrolled, all)::apply, inputs);
      Function<Tensor[], Tensor> f = loss(values, all);
      double h = 1e-4; // σ(Ŵ) is found to about 1e-12 (relative): that error over 2h limits the differences to ~1e-8
      for (int i = 0; i < inputs.length; i++) {
        assertTrue(g[i].norm2() > 1e-2, "a non-trivial gradient, input " + i + ": " + g[i].norm2());
        // measured ≤ 6.6e-9 (the implicit VJP's GMRES stops at relative residual 1e-8), |g| up to 0.87
        assertTrue(g[i].sub(gu[i]).maxAbs() < 5e-8 * Math.max(1, g[i].maxAbs()),
            "implicit vs unrolled, input " + i + ": " + g[i].sub(gu[i]).maxAbs());
        for (int r = 0; r < 3; r++) {
          Tensor u = Tensor.randn(rng, inputs[i].shape());
          u = u.div(u.norm2());
          Tensor[] plus = inputs.clone(), minus = inputs.clone();
          plus[i] = inputs[i].add(u.mul(h));
          minus[i] = inputs[i].sub(u.mul(h));
          double fd = (f.apply(plus).item() - f.apply(minus).item()) / (2 * h);
          // measured ≤ 1.8e-8 for Ŵ with the cap active, ≤ 3.8e-9 otherwise; |⟨g, u⟩| 0.03–0.43
          assertEquals(fd, g[i].vdot(u), 1e-7, "σ(Ŵ) = " + sigma + ", input " + i + ", direction " + r);
        }
      }
    }
  }

  /** The forward solve returns Z with Z = tanh(Z Wᵀ + X Uᵀ + b) row by row, written out here in loops, and ‖W‖₂ = γ. */
  @Test
  void fixedPointSatisfiesItsEquationAndTheCapHolds() {
    Random rng = new Random(3);
    int n = 40, h = 16, d = 64;
    DeqModel model = new DeqModel(DeqModel.Kind.IMPLICIT, DeqModel.Forward.FPI, h, 0.9, 1, 1e-10);
    Tensor[] p = model.init(rng, d, 10);
    p[4] = p[4].mul(3); // σ(Ŵ) ≈ 3: the cap is active
    Tensor X = Tensor.randn(rng, n, d);
    double[][] Z = model.hidden(p, X).toArray2d(), W = model.effectiveW(p).toArray2d(), U = p[0].toArray2d(), x = X.toArray2d();
    double[] b = p[1].toDoubleArray();
    double worst = 0;
    for (int i = 0; i < n; i++)
      for (int j = 0; j < h; j++) {
        double s = b[j];
        for (int l = 0; l < h; l++) s += W[j][l] * Z[i][l];
        for (int l = 0; l < d; l++) s += U[j][l] * x[i][l];
        worst = Math.max(worst, Math.abs(Math.tanh(s) - Z[i][j]));
      }
    assertTrue(worst < 1e-8, "max |tanh(Wz + Ux + b) − z| = " + worst); // measured 5.4e-10 after 30 iterations
    assertTrue(model.lastIterations() > 5, "iterations: " + model.lastIterations());
    // ‖W‖₂ from the eigenvalues of WᵀW by 2000 power iterations from a random start (independent of the cap's state)
    Tensor WtW = model.effectiveW(p).T().matmul(model.effectiveW(p));
    Tensor v = Tensor.randn(rng, h);
    for (int i = 0; i < 2000; i++) v = WtW.matmul(v).div(WtW.matmul(v).norm2());
    assertEquals(0.9, Math.sqrt(v.vdot(WtW.matmul(v))), 1e-6);
  }

  @Test
  @SuppressWarnings("unchecked")
  void quickRunLearnsTheDigitsAndTheUnrolledTapeIsLarger(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("q.json");
    CommandLineRun r = CommandLineRun.run(json, "run", "deq", "--quick", "--json", json.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    for (String key : List.of("implicit_ms_per_step", "unrolled_ms_per_step", "mlp_ms_per_step", "implicit_backward_iterations",
        "implicit_train_loss", "unrolled_train_loss", "mlp_train_loss", "spectral_norm_w", "unrolled_at_fixed_point_test_accuracy"))
      assertTrue(r.json().get(key) instanceof Number, key);
    // chance is 0.1; measured 0.947 (DEQ, both ways) and 0.943 (MLP) at the quick size
    for (String model : List.of("implicit", "unrolled", "mlp"))
      assertTrue(r.number(model + "_test_accuracy") > 0.9, model + ": " + r.number(model + "_test_accuracy"));
    assertTrue(r.number("fd_relative_difference") < 1e-5); // measured 1.9e-8
    assertEquals(20, r.number("unrolled_forward_iterations"));
    assertTrue(r.number("implicit_forward_iterations") > 5);
    assertTrue(r.number("test_fixed_point_residual_max") < 1e-5);
    assertTrue(r.number("spectral_norm_w") <= 0.9 * (1 + 1e-5), "‖W‖₂ = " + r.number("spectral_norm_w"));
    // the tape of 20 recorded steps against one recorded map: measured 3.5 MB and 1.5 MB
    assertTrue(r.number("unrolled_peak_heap_bytes") > 1.5 * r.number("implicit_peak_heap_bytes"),
        r.number("unrolled_peak_heap_bytes") + " vs " + r.number("implicit_peak_heap_bytes"));
    List<Double> loss = (List<Double>) r.json().get("implicit_loss");
    assertTrue(loss.get(loss.size() - 1) < 0.2 * loss.get(0), loss.toString());
    assertTrue(Files.size(dir.resolve("q.png")) > 1000);
  }

  @Test
  void badOptionValuesEndInOneLine() throws Exception {
    Map<String, String> bad = Map.of("--hidden", "1", "--steps", "0", "--gamma", "1", "--unroll", "0", "--batch", "900",
        "--lr", "abc", "--forward", "newton");
    for (var e : bad.entrySet()) CommandLineRun.assertUsageErrorNaming(e.getKey(), "run", "deq", e.getKey(), e.getValue());
  }
}

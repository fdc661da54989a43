package io.github.implicitdiff.app.experiments;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.linalg.Cholesky;
import io.github.implicitdiff.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImamlTest {
  private static final SineMlp TINY = new SineMlp(4); // P = 33
  private static final double LAMBDA = 1.5;

  /** Three 5-shot tasks, a random θ, and the meta-gradient through inner solves to 1e-8 (CG to 1e-12). */
  private record Instance(List<SineTask> tasks, Tensor theta, ProximalAdaptation adaptation, Tensor grad) {
    static Instance of(long seed) {
      Random rng = new Random(seed);
      List<SineTask> tasks = Imaml.tasks(rng, 3, 5);
      Tensor theta = TINY.init(rng);
      ProximalAdaptation adaptation = new ProximalAdaptation(TINY, LAMBDA, 1e-8, 1e-12);
      return new Instance(tasks, theta, adaptation, AD.grad(th -> adaptation.metaLoss(tasks, th), theta));
    }
  }

  /**
   * The implicit meta-gradient against central differences of the meta-objective along random unit directions; the
   * values come from inner solves polished by Newton steps and are never differentiated, so the check is independent
   * of the implicit layer. A wrong sign, a missing λ or a dropped Hessian term is off by order one.
   */
  @Test
  void metaGradientMatchesCentralDifferences() {
    Instance in = Instance.of(3);
    assertTrue(in.grad().norm2() > 1e-2, "a non-trivial gradient: " + in.grad().norm2());
    Random rng = new Random(11);
    double h = 1e-4;
    for (int r = 0; r < 4; r++) {
      Tensor u = Tensor.randn(rng, in.theta().shape());
      u = u.div(u.norm2());
      double fd = (in.adaptation().polishedMetaLoss(in.tasks(), in.theta().add(u.mul(h)))
          - in.adaptation().polishedMetaLoss(in.tasks(), in.theta().sub(u.mul(h)))) / (2 * h);
      double ad = in.grad().vdot(u);
      assertEquals(fd, ad, 1e-7, "direction " + r); // measured: at most 2.1e-8 (|ad| up to 0.46)
    }
  }

  /**
   * The same meta-gradient against iMAML's closed form (1/B) Σ_b (I + ∇²L_b/λ)⁻¹ ∇L_q,b at each φ*_b, with the dense
   * support Hessian from AD.hessian and a Cholesky solve; and that closed form differs from the first-order
   * (1/B) Σ_b ∇L_q,b by far more than the tolerance, so the Hessian term is what is being checked.
   */
  @Test
  void metaGradientMatchesTheClosedFormWithADenseHessian() {
    Instance in = Instance.of(5);
    int p = TINY.size();
    Tensor closed = Tensor.zeros(p), firstOrder = Tensor.zeros(p);
    for (SineTask task : in.tasks()) {
      Tensor phi = in.adaptation().adapt(task, in.theta()).concrete();
      Tensor hessian = AD.hessian(x -> TINY.mse(x, task.xSupport(), task.ySupport()), phi);
      Tensor gq = AD.grad(x -> TINY.mse(x, task.xQuery(), task.yQuery()), phi);
      closed = closed.add(Cholesky.factor(Tensor.eye(p).add(hessian.div(LAMBDA))).solve(gq));
      firstOrder = firstOrder.add(gq);
    }
    closed = closed.div(in.tasks().size());
    firstOrder = firstOrder.div(in.tasks().size());
    double err = in.grad().sub(closed).norm2() / closed.norm2();
    assertTrue(err < 1e-8, "relative difference " + err); // measured 6.8e-13
    // measured: the first-order gradient is off by 2.2 ‖closed‖
    assertTrue(firstOrder.sub(closed).norm2() > 0.5 * closed.norm2(), "the Hessian term matters on this instance");
  }

  @Test
  @SuppressWarnings("unchecked")
  void quickRunWritesItsFieldsAndBeatsTheRandomInitialization(@TempDir Path dir) throws Exception {
    CommandLineRun r = CommandLineRun.quick(dir, "imaml", "i.json");
    int steps = (int) r.number("steps");
    assertEquals(steps, r.numbers("meta_loss").size());
    for (String key : List.of("pretrained_test_mse", "imaml_test_mse_unadapted", "ms_per_meta_step",
        "cg_iterations_per_meta_gradient", "lbfgs_iterations_per_inner_solve", "fd_relative_difference")) {
      assertTrue(r.json().get(key) instanceof Number, key);
    }
    assertTrue(r.number("fd_relative_difference") < 1e-3); // measured 5.3e-5, limited by the inner tolerance 1e-6
    double imaml = r.number("imaml_test_mse"), random = r.number("random_test_mse");
    assertTrue(imaml < 0.6 * random, "iMAML " + imaml + " vs random initialization " + random);
    assertTrue(imaml < r.number("pretrained_test_mse"), "iMAML " + imaml + " vs pretrained " + r.number("pretrained_test_mse"));
    for (String plot : List.of("meta-training", "task-1", "task-2", "task-3"))
      assertTrue(Files.size(dir.resolve("i-" + plot + ".png")) > 1000, plot);
  }

  @Test
  void badOptionValuesEndInOneLine() throws Exception {
    CommandLineRun.assertEachEndsInOneLine("imaml", Map.of("--lambda", "0", "--steps", "0", "--lr", "-1",
        "--batch", "0", "--shots", "1", "--test-tasks", "0", "--seed", "x"));
    CommandLineRun.assertEachEndsInOneLine("imaml", Map.of("--lambda", "abc", "--steps", "2.5"));
  }
}

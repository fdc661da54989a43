package io.github.implicitdiff.app.experiments;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistillationTest {
  /**
   * dL/dΘ by implicit differentiation through L-BFGS against central differences of L along random
   * directions, on 3 classes of 40 points in 5 dimensions. The values come from solves polished by Newton
   * steps (see {@link Distillation.Problem#exactOuterLoss}) and no derivative in Θ, so the check is
   * independent of the implicit layer; a wrong sign or a transposed W is off
   * by order one.
   */
  @Test
  void hypergradientMatchesCentralDifferences() {
    Random rng = new Random(7);
    int n = 40, d = 5, k = 3;
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = i % k;
    Tensor centres = Tensor.randn(rng, k, d).mul(2);
    Tensor X = centres.take(y, 0).add(Tensor.randn(rng, n, d));
    Tensor theta = Tensor.randn(rng, k, d);
    Distillation.Problem implicit = new Distillation.Problem(X, y, k, 0.1, true);
    Distillation.Problem values = new Distillation.Problem(X, y, k, 0.1, false);
    Tensor grad = AD.grad(implicit::outerLoss, theta);
    assertEquals(List.of(k, d), List.of(grad.dim(0), grad.dim(1)));
    assertTrue(grad.norm2() > 1e-2, "a non-trivial gradient: " + grad.norm2());
    double h = 1e-4;
    for (int r = 0; r < 4; r++) {
      Tensor u = Tensor.randn(rng, k, d);
      u = u.div(u.norm2());
      double fd = (values.exactOuterLoss(theta.add(u.mul(h))) - values.exactOuterLoss(theta.sub(u.mul(h)))) / (2 * h);
      double ad = grad.vdot(u);
      assertEquals(fd, ad, 2e-8, "direction " + r); // measured: at most 1.3e-9 (|ad| up to 0.45, ‖∇L‖ = 0.83)
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void quickRunWritesItsFieldsAndBeatsRandomRealImages(@TempDir Path dir) throws Exception {
    CommandLineRun r = CommandLineRun.quick(dir, "distillation", "d.json");
    int steps = (int) r.number("steps");
    List<Double> loss = r.numbers("outer_loss"), acc = r.numbers("test_accuracy");
    assertEquals(steps + 1, loss.size());
    assertEquals(steps + 1, acc.size());
    assertTrue(loss.get(steps) < 0.5 * loss.get(0), loss.toString());
    for (String key : List.of("learning_rate", "lambda", "distilled_outer_loss", "class_means_test_accuracy",
        "class_means_outer_loss", "random_images_test_accuracy_min", "random_images_test_accuracy_max",
        "random_images_outer_loss", "fd_relative_difference")) {
      assertTrue(r.json().get(key) instanceof Number, key);
    }
    List<List<Double>> images = (List<List<Double>>) r.json().get("distilled_images");
    assertEquals(10, images.size());
    assertEquals(64, images.get(0).size());
    assertTrue(r.number("fd_relative_difference") < 1e-5); // measured 8e-9
    double distilled = r.number("distilled_test_accuracy");
    assertEquals(acc.get(steps), distilled, 1e-12);
    assertTrue(distilled > r.number("random_images_test_accuracy_max"),
        distilled + " vs the best of the random draws " + r.number("random_images_test_accuracy_max"));
    assertTrue(Files.size(dir.resolve("d-images.png")) > 1000);
    assertTrue(Files.size(dir.resolve("d-outer-loss.png")) > 1000);
  }

  /**
   * --init means starts Θ from the ten class means: step 0 is the class-means baseline itself, and Adam does not
   * fall below it (measured: 0.860 at step 0, 0.925 after 20 steps).
   */
  @Test
  void meansStartBeginsAtTheClassMeansAndDoesNotFallBelowThem(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("m.json");
    CommandLineRun r = CommandLineRun.run(json, "run", "distillation", "--init", "means", "--steps", "20", "--json",
        json.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    assertEquals("means", r.json().get("init"));
    double means = r.number("class_means_test_accuracy");
    List<Double> acc = r.numbers("test_accuracy");
    assertEquals(means, acc.get(0), 1e-12);
    assertTrue(r.number("distilled_test_accuracy") >= means, r.number("distilled_test_accuracy") + " vs " + means);
    assertTrue(r.out().contains("Adam steps from means"), r.out());
  }

  @Test
  void badOptionValuesEndInOneLine() throws Exception {
    CommandLineRun.assertEachEndsInOneLine("distillation", Map.of("--lambda", "0", "--steps", "0", "--lr", "-1",
        "--init", "zeros"));
    CommandLineRun nan = CommandLineRun.run(null, "run", "distillation", "--lr", "abc");
    assertEquals(2, nan.code());
    assertTrue(nan.err().contains("--lr") && nan.err().strip().lines().count() == 1, nan.err());
  }
}

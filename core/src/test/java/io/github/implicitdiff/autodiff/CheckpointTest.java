package io.github.implicitdiff.autodiff;

import static io.github.implicitdiff.autodiff.GradientCheck.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** AD.checkpoint: the same derivatives as the plain function in every mode and order, by recomputation. */
class CheckpointTest {
  /** A nonlinear two-input segment: s steps of w ← tanh(A w + b) ⊙ c, with c = θ (a traced parameter). */
  private static MultiInputFunction segment(Tensor A, Tensor b, int steps, AtomicInteger calls) {
    return in -> {
      calls.incrementAndGet();
      Tensor w = in[0];
      for (int k = 0; k < steps; k++) w = A.matmul(w).add(b).tanh().mul(in[1]);
      return w;
    };
  }

  /** K = segments·steps steps from w0, each segment through f, then a scalar loss. */
  private static Tensor loop(MultiInputFunction f, Tensor w0, Tensor theta, int segments) {
    Tensor w = w0;
    for (int s = 0; s < segments; s++) w = f.apply(w, theta);
    return w.square().sum().add(w.sum());
  }

  @Test
  void gradientsEqualThePlainLoopsAndFiniteDifferences() {
    for (int seed = 0; seed < 6; seed++) {
      Random rng = new Random(seed);
      int n = 3 + seed;
      Tensor A = Tensor.randn(rng, n, n).mul(0.6 / Math.sqrt(n)), b = Tensor.randn(rng, n);
      Tensor w0 = Tensor.randn(rng, n), theta = Tensor.rand(rng, n).add(0.5);
      AtomicInteger plainCalls = new AtomicInteger(), checkpointCalls = new AtomicInteger();
      MultiInputFunction plain = segment(A, b, 4, plainCalls);
      MultiInputFunction checkpointed = AD.checkpoint(segment(A, b, 4, checkpointCalls));
      Tensor[] expected = AD.gradAll(in -> loop(plain, in[0], in[1], 5), w0, theta);
      Tensor[] actual = AD.gradAll(in -> loop(checkpointed, in[0], in[1], 5), w0, theta);
      assertClose("d/dw0, seed " + seed, expected[0], actual[0], 1e-13);
      assertClose("d/dθ, seed " + seed, expected[1], actual[1], 1e-13);
      // the five segments run once forward and once more in the pullback
      assertEquals(5, plainCalls.get());
      assertEquals(10, checkpointCalls.get());
      GradientCheck.check("checkpointed loop, seed " + seed, in -> loop(checkpointed, in[0], in[1], 5), rng, w0, theta);
    }
  }

  @Test
  void theRecordedTapeHoldsOneStepPerSegment() {
    Random rng = new Random(1);
    Tensor A = Tensor.randn(rng, 4, 4).mul(0.3), b = Tensor.randn(rng, 4);
    AtomicInteger calls = new AtomicInteger();
    MultiInputFunction plain = segment(A, b, 10, calls), checkpointed = AD.checkpoint(plain);
    Tensor w0 = Tensor.randn(rng, 4), theta = Tensor.ones(4);
    int loss = recordedSteps(w -> loop(in -> in[0], w, theta, 1), w0);
    // 200 steps of at least four operations each, against one recorded step per segment
    assertTrue(recordedSteps(w -> loop(plain, w, theta, 20), w0) >= 200 * 4 + loss);
    assertEquals(20 + loss, recordedSteps(w -> loop(checkpointed, w, theta, 20), w0));
  }

  private static int recordedSteps(TensorFunction f, Tensor x) {
    return Tapes.recordedSteps(f, x);
  }

  @Test
  void forwardModeAndSecondOrderMatchThePlainFunction() {
    Random rng = new Random(7);
    int n = 5;
    Tensor A = Tensor.randn(rng, n, n).mul(0.5 / Math.sqrt(n)), b = Tensor.randn(rng, n);
    Tensor w0 = Tensor.randn(rng, n), theta = Tensor.rand(rng, n).add(0.5), v = Tensor.randn(rng, n);
    MultiInputFunction plain = segment(A, b, 3, new AtomicInteger());
    MultiInputFunction checkpointed = AD.checkpoint(segment(A, b, 3, new AtomicInteger()));
    TensorFunction plainLoss = th -> loop(plain, w0, th, 4), checkpointedLoss = th -> loop(checkpointed, w0, th, 4);
    assertClose("jvp", AD.jvp(plainLoss, theta, v).outTangent(), AD.jvp(checkpointedLoss, theta, v).outTangent(), 1e-13);
    Tensor hessian = AD.hessian(plainLoss, theta);
    // forward over reverse (AD.hessian) and reverse over reverse (the gradient of a gradient component)
    assertClose("hessian", hessian, AD.hessian(checkpointedLoss, theta), 1e-12);
    for (int i = 0; i < n; i++) {
      int row = i;
      Tensor revRev = AD.grad(th -> AD.grad(checkpointedLoss, th).index(0, row), theta);
      assertClose("reverse over reverse, row " + i, hessian.row(row), revRev, 1e-12);
    }
    GradientCheck.checkSecondOrder("checkpointed loop", checkpointedLoss, rng, theta);
  }

  @Test
  void nestedCheckpointsGiveTheSameGradient() {
    Random rng = new Random(3);
    Tensor A = Tensor.randn(rng, 4, 4).mul(0.4), b = Tensor.randn(rng, 4), w0 = Tensor.randn(rng, 4);
    MultiInputFunction inner = AD.checkpoint(segment(A, b, 2, new AtomicInteger()));
    MultiInputFunction outer = AD.checkpoint(in -> inner.apply(inner.apply(in[0], in[1]), in[1]));
    MultiInputFunction plain = segment(A, b, 4, new AtomicInteger());
    Tensor theta = Tensor.rand(rng, 4).add(0.5);
    assertClose("nested", AD.grad(th -> loop(plain, w0, th, 3), theta), AD.grad(th -> loop(outer, w0, th, 3), theta), 1e-13);
  }

  @Test
  void closingOverATracedTensorThrowsInsteadOfDroppingItsDerivative() {
    Tensor theta = Tensor.of(0.5, 1.5);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> AD.grad(th -> AD.checkpoint(in -> in[0].mul(th)).apply(Tensor.ones(2)).sum(), theta));
    assertTrue(e.getMessage().contains("checkpoint") && e.getMessage().contains("pass that tensor as an argument"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AD.checkpoint(null));
  }

  @Test
  void untracedCallsJustEvaluate() {
    AtomicInteger calls = new AtomicInteger();
    MultiInputFunction f = AD.checkpoint(in -> {
      calls.incrementAndGet();
      return in[0].exp();
    });
    assertClose("value", Tensor.of(1, Math.E), f.apply(Tensor.of(0, 1)), 0);
    assertEquals(1, calls.get());
  }
}

package io.github.implicitdiff.perturbation;

import static io.github.implicitdiff.perturbation.GumbelSoftmaxTest.assertWithin;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reference (3): on one set of draws the JVP and VJP rules are exact transposes (⟨u, J v⟩ = ⟨Jᵀu, v⟩ to rounding),
 * in every perturbation setting and for second derivatives; the draws are fixed by the seed; batching equals
 * row-by-row evaluation with each row's own draws.
 */
class PerturbedConsistencyTest {
  private static final Perturbation[] SETTINGS = {
      Perturbation.of(Noise.GAUSSIAN, 0.3).withSamples(300),
      Perturbation.of(Noise.GUMBEL, 0.7).withSamples(300).withControlVariate(true),
      Perturbation.of(Noise.GAUSSIAN, 1.1).withSamples(300).withAntithetic(true).withControlVariate(true)};

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void jvpAndVjpAreTransposesOnTheSameDraws(long seed) {
    Random rng = new Random(seed);
    Tensor theta = Tensor.randn(rng, 5), v = Tensor.randn(rng, 5), u = Tensor.randn(rng, 5);
    for (Perturbation p : SETTINGS) {
      TensorFunction y = Perturbed.argmax(BlackBoxes.RANKS, p.withSeed(seed));
      double uJv = u.vdot(AD.jvp(y, theta, v).outTangent()), JTuv = AD.vjp(y, theta, u).vdot(v);
      assertEquals(uJv, JTuv, 1e-12 * (1 + Math.abs(uJv)), p.withSeed(seed) + ": ⟨u, Jv⟩ against ⟨Jᵀu, v⟩");
      assertWithin(p + ": forward against reverse Jacobian", AD.jacobian(y, theta, AD.Mode.FORWARD),
          AD.jacobian(y, theta, AD.Mode.REVERSE), 1e-12);
      // second order: the Hessian of ⟨u, y_ε(θ)⟩ in three mode combinations
      TensorFunction s = t -> y.apply(t).mul(u).sum();
      Tensor fwdRev = AD.hessian(s, theta);
      assertWithin(p + ": reverse over reverse", AD.jacobian(t -> AD.grad(s, t), theta, AD.Mode.REVERSE), fwdRev, 1e-11);
      assertWithin(p + ": reverse over forward", AD.grad(t -> AD.jvp(s, t, v).outTangent(), theta), fwdRev.matmul(v), 1e-11);
    }
  }

  @Test
  void drawsAreFixedBySeedAndSolverCallsAreShared() {
    Tensor theta = Tensor.of(0.3, -0.1, 0.2, 0.0);
    AtomicInteger calls = new AtomicInteger();
    BlackBox counted = th -> {
      calls.incrementAndGet();
      return BlackBoxes.RANKS.apply(th);
    };
    Perturbation p = Perturbation.of(Noise.GAUSSIAN, 0.5).withSamples(200).withSeed(9);
    TensorFunction y = Perturbed.argmax(counted, p);
    Tensor y1 = y.apply(theta);
    Tensor j1 = AD.jacobian(y, theta);
    assertEquals(200, calls.get(), "the value and the Jacobian at one θ share the M solver calls");
    assertArrayEquals(y1.toDoubleArray(), y.apply(theta).toDoubleArray(), 0.0, "repeated call");
    assertArrayEquals(y1.toDoubleArray(), Perturbed.argmax(BlackBoxes.RANKS, p).apply(theta).toDoubleArray(), 0.0,
        "a new function with the same seed");
    assertArrayEquals(j1.toDoubleArray(), AD.jacobian(Perturbed.argmax(BlackBoxes.RANKS, p), theta).toDoubleArray(), 0.0);
    assertFalse(Arrays.equals(y1.toDoubleArray(), Perturbed.argmax(BlackBoxes.RANKS, p.withSeed(10)).apply(theta).toDoubleArray()),
        "another seed draws other noise");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void batchedRowsAreIndependentProblems(long seed) {
    // each row is its own problem with its own draws: ∂y_b/∂θ_c = 0 for b ≠ c exactly (the score of row c's draws never
    // multiplies row b's outputs)
    Random rng = new Random(seed);
    Tensor theta = Tensor.randn(rng, 3, 4);
    TensorFunction y = Perturbed.argmax(BlackBoxes.RANKS, Perturbation.of(Noise.GAUSSIAN, 0.5).withSamples(400)
        .withSeed(seed).withBatched(true));
    Tensor J = AD.jacobian(y, theta);   // (3, 4, 3, 4)
    assertArrayEquals(new int[] {3, 4, 3, 4}, J.shape());
    for (int b = 0; b < 3; b++)
      for (int c = 0; c < 3; c++)
        if (b != c) assertEquals(0.0, J.index(0, b).index(1, c).maxAbs(), 0.0, "rows " + b + " and " + c);
    for (int b = 0; b < 3; b++) assertEquals(10.0, y.apply(theta).row(b).sum().item(), 1e-12, "ranks of row " + b);
    // the Fenchel–Young loss is one value per row, with gradient y_ε − y row by row
    Tensor target = Tensor.concat(0, BlackBoxes.RANKS.apply(theta.row(0)).reshape(1, 4),
        Tensor.of(1, 2, 3, 4).reshape(1, 4), Tensor.of(4, 3, 2, 1).reshape(1, 4));
    var loss = Perturbed.fenchelYoungLoss(BlackBoxes.RANKS, Perturbation.of(Noise.GAUSSIAN, 0.5).withSamples(400)
        .withSeed(seed).withBatched(true));
    assertArrayEquals(new int[] {3}, loss.apply(theta, target).shape());
    assertWithin("∇ of the summed loss", AD.gradAll(in -> loss.apply(in[0], target).sum(), theta)[0],
        y.apply(theta).sub(target), 1e-12);
  }
}

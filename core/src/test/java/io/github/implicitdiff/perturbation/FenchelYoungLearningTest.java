package io.github.implicitdiff.perturbation;

import static io.github.implicitdiff.perturbation.GumbelSoftmaxTest.assertWithin;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reference (4): learning to rank through the Fenchel–Young loss. Scores θ_i = x_iᵀW (a batch of N rankings of n
 * items) are fitted by gradient descent so that the perturbed ranking matches the target ranks of x_iᵀW_true; the
 * gradient y_ε(θ) − y needs the ranking solver's outputs only.
 */
class FenchelYoungLearningTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void gradientDescentRecoversTargetRankings(long seed) {
    Random rng = new Random(seed);
    int N = 24, d = 3, n = 4;
    Tensor X = Tensor.randn(rng, N, d), wTrue = Tensor.randn(rng, d, n).mul(2);
    Tensor thetaTrue = X.matmul(wTrue);
    Tensor targets = Tensor.concat(0, rows(thetaTrue, n));
    MultiInputFunction loss = Perturbed.fenchelYoungLoss(BlackBoxes.RANKS,
        Perturbation.of(Noise.GAUSSIAN, 0.5).withSamples(100).withSeed(seed).withBatched(true));
    MultiInputFunction objective = in -> loss.apply(X.matmul(in[0]), targets).mean();
    Tensor W = Tensor.zeros(d, n);
    double first = objective.apply(W).item(), last = first;
    for (int step = 0; step < 60; step++) {
      var vg = AD.valueAndGradAll(objective, W);
      last = vg.value().item();
      W = W.sub(vg.grads()[0].mul(0.2));
    }
    assertTrue(last < first - 1.0, "loss " + first + " → " + last + " did not decrease");
    int exact = 0;
    Tensor learned = X.matmul(W);
    for (int i = 0; i < N; i++)
      if (java.util.Arrays.equals(BlackBoxes.RANKS.apply(learned.row(i)).toDoubleArray(), targets.row(i).toDoubleArray())) exact++;
    assertTrue(exact >= N - 2, exact + " of " + N + " target rankings recovered exactly");
  }

  @Test
  void lossGradientIsPerturbedArgmaxMinusTarget() {
    Tensor theta = Tensor.of(0.4, -1.0, 0.3, 0.9), y = Tensor.of(4, 1, 2, 3);
    Perturbation p = Perturbation.of(Noise.GUMBEL, 0.8).withSamples(500).withSeed(3);
    MultiInputFunction loss = Perturbed.fenchelYoungLoss(BlackBoxes.RANKS, p);
    Tensor[] g = AD.gradAll(loss, theta, y);
    assertWithin("∂L/∂θ = y_ε(θ) − y", g[0], Perturbed.argmax(BlackBoxes.RANKS, p).apply(theta).sub(y), 1e-12);
    assertWithin("∂L/∂y = −θ", g[1], theta.neg(), 0);
    assertArrayEquals(new int[0], loss.apply(theta, y).shape());
  }

  private static Tensor[] rows(Tensor theta, int n) {
    Tensor[] r = new Tensor[theta.dim(0)];
    for (int i = 0; i < r.length; i++) r[i] = BlackBoxes.RANKS.apply(theta.row(i)).reshape(1, n);
    return r;
  }
}

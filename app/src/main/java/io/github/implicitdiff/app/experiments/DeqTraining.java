package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.report.Progress;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.ValueAndGrad;
import io.github.implicitdiff.solver.Minibatches;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;

/**
 * Minibatch training of a {@link DeqModel} by {@link Adam}: each epoch visits the training rows in a random
 * order (drawn from the seed, so every model sees the same minibatches) in batches of B (the last one
 * smaller), one Adam step on ∇ of the batch's mean cross-entropy per batch.
 *
 * @param params the trained parameters
 * @param batchLoss the minibatch loss before each step
 * @param stepMillis wall-clock time of each step (forward, gradient and update)
 * @param forwardIterations the forward fixed-point iterations of each step
 * @param backwardIterations the GMRES iterations of each step's implicit VJP (0 unless IMPLICIT)
 */
record DeqTraining(Tensor[] params, double[] batchLoss, double[] stepMillis, int[] forwardIterations,
    int[] backwardIterations) {

  /** Trains {@code model} from {@code init} for {@code steps} Adam steps with learning rate {@code lr}. */
  static DeqTraining run(DeqModel model, Tensor[] init, Tensor X, int[] y, int batch, int steps, double lr, long seed,
      Progress.Loop loop) {
    Minibatches batches = new Minibatches(y.length, batch, new Random(seed));
    Tensor[] p = init.clone();
    Adam adam = new Adam(lr, p);
    double[] loss = new double[steps], millis = new double[steps];
    int[] fwd = new int[steps], bwd = new int[steps];
    for (int t = 0; t < steps; t++) {
      int[] rows = batches.next();
      Tensor Xb = X.take(rows, 0);
      int[] yb = Arrays.stream(rows).map(i -> y[i]).toArray();
      long start = System.nanoTime();
      ValueAndGrad vg = AD.valueAndGradAll(q -> model.loss(q, Xb, yb), p);
      p = adam.step(vg.grads());
      millis[t] = (System.nanoTime() - start) / 1e6;
      loss[t] = vg.value().item();
      fwd[t] = model.lastIterations();
      bwd[t] = model.kind() == DeqModel.Kind.IMPLICIT ? model.lastBackwardIterations() : 0;
      if (loop != null) loop.update(t + 1, loss[t]);
    }
    return new DeqTraining(p, loss, millis, fwd, bwd);
  }

  /** The median step time in milliseconds (robust to the JIT warm-up of the first steps). */
  double medianStepMillis() {
    double[] s = stepMillis.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  double meanForwardIterations() {
    return Arrays.stream(forwardIterations).average().orElse(0);
  }

  double meanBackwardIterations() {
    return Arrays.stream(backwardIterations).average().orElse(0);
  }

  /** The mean minibatch loss over the last {@code window} steps (or all of them). */
  double finalLoss(int window) {
    int from = Math.max(0, batchLoss.length - window);
    return Arrays.stream(batchLoss, from, batchLoss.length).average().orElse(Double.NaN);
  }

  /** The minibatch loss averaged over consecutive windows of {@code window} steps, one value per window. */
  double[] smoothedLoss(int window) {
    int w = Math.max(1, window), count = (batchLoss.length + w - 1) / w;
    double[] r = new double[count];
    for (int i = 0; i < count; i++) r[i] = Arrays.stream(batchLoss, i * w, Math.min(batchLoss.length, (i + 1) * w)).average().orElse(0);
    return r;
  }
}

package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/**
 * One few-shot regression task of Finn et al. (2017): y = A sin(x − φ) with A ~ U[0.1, 5], φ ~ U[0, π], and
 * K support and K query points x ~ U[−5, 5], all drawn from the given generator.
 *
 * @param amplitude A
 * @param phase φ
 * @param xSupport the K support inputs (vector); @param ySupport their targets
 * @param xQuery the K query inputs (vector); @param yQuery their targets
 */
record SineTask(double amplitude, double phase, Tensor xSupport, Tensor ySupport, Tensor xQuery, Tensor yQuery) {
  static final double X_MIN = -5, X_MAX = 5;

  /** A task with {@code k} support and {@code k} query points. */
  static SineTask draw(Random rng, int k) {
    double a = 0.1 + 4.9 * rng.nextDouble(), phase = Math.PI * rng.nextDouble();
    Tensor xs = Tensor.uniform(rng, X_MIN, X_MAX, k), xq = Tensor.uniform(rng, X_MIN, X_MAX, k);
    return new SineTask(a, phase, xs, curve(a, phase, xs), xq, curve(a, phase, xq));
  }

  /** A sin(x − φ) at the points x. */
  Tensor curve(Tensor x) {
    return curve(amplitude, phase, x);
  }

  private static Tensor curve(double a, double phase, Tensor x) {
    return x.sub(phase).sin().mul(a);
  }
}

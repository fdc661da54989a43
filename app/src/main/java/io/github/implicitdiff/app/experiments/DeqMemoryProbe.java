package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.bench.HeapMeter;
import io.github.implicitdiff.app.bench.MemoryProbe;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/**
 * Peak extra heap of one DEQ training gradient (loss and ∇ in every parameter on one minibatch), measured in a
 * child JVM with a 1 MB young generation ({@link MemoryProbe#inChildJvm(java.util.List, Class, String...)}). The minibatch is Gaussian (B×64,
 * labels i mod 10) and the parameters are {@link DeqModel#init} with the seed: the memory of a step depends on
 * the shapes and the iteration counts, not on the data. {@link #measure} starts the child; {@link #main} is it.
 */
public final class DeqMemoryProbe {
  private static final int FEATURES = 64;

  private DeqMemoryProbe() {}

  /** Peak extra heap of one gradient of a {@code kind} model with the given sizes, from a child JVM. */
  static HeapMeter.Usage measure(DeqModel.Kind kind, DeqModel.Forward forward, int batch, int hidden, int unrollSteps, double gamma,
      double tolRms, long seed) {
    // a DEQ step allocates a few MB: a 1 MB young generation collects during it, so the figure is the live peak
    return MemoryProbe.inChildJvm(java.util.List.of("-Xmn1m"), DeqMemoryProbe.class, kind.name(), forward.name(), String.valueOf(batch), String.valueOf(hidden),
        String.valueOf(unrollSteps), String.valueOf(gamma), String.valueOf(tolRms), String.valueOf(seed));
  }

  /** Child: kind forward batch hidden K γ tol seed; prints the usage line of {@link MemoryProbe#report}. */
  public static void main(String[] args) {
    DeqModel.Kind kind = DeqModel.Kind.valueOf(args[0]);
    DeqModel.Forward forward = DeqModel.Forward.valueOf(args[1]);
    int batch = Integer.parseInt(args[2]), hidden = Integer.parseInt(args[3]), K = Integer.parseInt(args[4]);
    double gamma = Double.parseDouble(args[5]), tol = Double.parseDouble(args[6]);
    Random rng = new Random(Long.parseLong(args[7]));
    DeqModel model = new DeqModel(kind, forward, hidden, gamma, K, tol);
    Tensor[] p = model.init(rng, FEATURES, Digits.CLASSES);
    Tensor X = Tensor.randn(rng, batch, FEATURES);
    int[] y = new int[batch];
    for (int i = 0; i < batch; i++) y[i] = i % Digits.CLASSES;
    MemoryProbe.report(() -> AD.valueAndGradAll(q -> model.loss(q, X, y), p).value().item());
  }
}

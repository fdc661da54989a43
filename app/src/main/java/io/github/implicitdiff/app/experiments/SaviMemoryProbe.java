package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.bench.HeapMeter;
import io.github.implicitdiff.app.bench.MemoryProbe;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/**
 * Peak extra heap of one {@link Savi} training gradient ({@link SaviTraining#loss} and its gradient in every
 * parameter on one minibatch), measured in a child JVM with a small young generation ({@link MemoryProbe#inChildJvm}).
 * The minibatch is uniform noise in [0, 1] (B×64) and the parameters are {@link VaeModel#init} with the seed: the
 * memory of a step depends on the shapes and the iteration counts, and the refinement of an untrained decoder takes
 * fewer L-BFGS iterations than a trained one. {@link #measure} starts the child; {@link #main} is it.
 */
public final class SaviMemoryProbe {
  private static final int PIXELS = 64, HIDDEN = 64;

  private SaviMemoryProbe() {}

  /** Peak extra heap of one gradient of the {@code method} model with the given sizes, from a child JVM. */
  static HeapMeter.Usage measure(SaviTraining.Method method, int batch, int samples, int latent, double gamma, int unrolledSteps,
      long seed) {
    return MemoryProbe.inChildJvm(SaviMemoryProbe.class, method.name(), String.valueOf(batch), String.valueOf(samples),
        String.valueOf(latent), String.valueOf(gamma), String.valueOf(unrolledSteps), String.valueOf(seed));
  }

  /** Child: method batch samples latent γ K seed; prints the usage line of {@link MemoryProbe#report}. */
  public static void main(String[] args) {
    SaviTraining.Method method = SaviTraining.Method.valueOf(args[0]);
    int batch = Integer.parseInt(args[1]), samples = Integer.parseInt(args[2]), latent = Integer.parseInt(args[3]);
    double gamma = Double.parseDouble(args[4]);
    int unrolledSteps = Integer.parseInt(args[5]);
    Random rng = new Random(Long.parseLong(args[6]));
    VaeModel model = new VaeModel(latent, HIDDEN, PIXELS);
    Tensor[] p = model.init(rng);
    Tensor x = Tensor.rand(rng, batch, PIXELS);
    Tensor epsFit = Tensor.randn(rng, batch, samples, latent), eps = Tensor.randn(rng, batch, samples, latent);
    Refinement refinement = new Refinement(model, gamma, 1e-6);
    MemoryProbe.report(() -> AD.valueAndGradAll(q -> SaviTraining.loss(method, model, refinement, unrolledSteps, q, x, epsFit, eps), p)
        .value().item());
  }
}

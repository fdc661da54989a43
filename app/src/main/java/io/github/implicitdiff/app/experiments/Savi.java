package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Experiment;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.bench.HeapMeter;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.data.CsvData;
import io.github.implicitdiff.app.data.Datasets;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Semi-amortized variational inference (Kim et al. 2018) on the digits, with the refinement made implicit. A
 * {@link VaeModel} (latent k, Bernoulli decoder k–64–64 with the pixel intensities /16 as soft targets, encoder
 * 64–64–2k) is trained by {@link Adam} on −ELBO (the {@link Elbo} estimate with S reparameterized samples per point)
 * at one of three variational parameters ({@link SaviTraining.Method}):
 * <pre>
 *   (a) λ₀ = e_φ(x)                                   amortized VAE
 *   (b) λ_K: K recorded gradient steps on G from λ₀      semi-amortized, unrolled (Kim et al.)
 *   (c) λ* = argmin_λ G(λ; λ₀, θ)                       semi-amortized, implicit
 *   G(λ; λ₀, θ) = −ELBO(λ; x, θ) + (γ/2)‖λ − λ₀‖²
 * </pre>
 * (c) is L-BFGS warm-started at λ₀ on the whole minibatch as one block-diagonal problem, its derivatives in θ and λ₀
 * by the solver's implicit mode (CG on Hessian-vector products, {@link Refinement}). The first gradient of (c) is
 * checked against central differences at Newton-polished refinements. On the held-out half each trained model is
 * scored at its λ₀ and after the same refinement (c) from it ({@link SaviEvaluation}); the peak extra heap of one
 * training step of each is measured in a child JVM ({@link SaviMemoryProbe}), except with --quick.
 */
public final class Savi implements Experiment {
  private static final int HIDDEN = 64, CHECK_ROWS = 8, SHOWN = 10;

  @Override
  public String name() {
    return "savi";
  }

  @Override
  public String description() {
    return "semi-amortized VAE on the digits: refinement of q(z|x) by L-BFGS, differentiated implicitly, against unrolled steps and a plain VAE";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("steps", "N", "Adam steps per model, in [1, 20000] (default 400; 60 with --quick)"),
        OptionSpec.value("batch", "B", "minibatch size, in [1, 899] (default 32)"),
        OptionSpec.value("samples", "S", "reparameterization samples per point, in [1, 64] (default 4)"),
        OptionSpec.value("latent", "K", "latent dimension k, in [1, 8] (default 2)"),
        OptionSpec.value("gamma", "G", "strength of the proximal term of the refinement, in [1e-3, 100] (default 1)"),
        OptionSpec.value("unrolled-steps", "K", "recorded gradient steps of the unrolled model, in [1, 100] (default 5)"),
        OptionSpec.value("test-samples", "T", "samples per held-out image for the test refinement and, fresh, for its ELBO, in [1, 256] "
            + "(default 32; 16 with --quick)"),
        OptionSpec.value("test-images", "M", "held-out images scored, in [1, 898] (default 898; 200 with --quick)"),
        OptionSpec.value("lr", "ETA", "Adam learning rate, in [1e-5, 1] (default 0.003)"),
        OptionSpec.value("seed", "S", "seed of the initial parameters, batches and samples (default 0)"));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int steps = options.getIntInRange("steps", quick ? 60 : 400, 1, 20000);
    int batch = options.getIntInRange("batch", 32, 1, 899);
    int samples = options.getIntInRange("samples", 4, 1, 64);
    int latent = options.getIntInRange("latent", 2, 1, 8);
    double gamma = options.getDoubleInRange("gamma", 1, 1e-3, 100);
    int unrolledSteps = options.getIntInRange("unrolled-steps", 5, 1, 100);
    int testSamples = options.getIntInRange("test-samples", quick ? 16 : 32, 1, 256);
    int testImages = options.getIntInRange("test-images", quick ? 200 : 898, 1, 898);
    double lr = options.getDoubleInRange("lr", 0.003, 1e-5, 1);
    long seed = options.getLong("seed", 0);
    CsvData.Split split = Datasets.load("digits").split(0.5, new Random(0));
    Tensor X = split.train().X().div(16), Xt = split.validation().X().slice(0, 0, testImages).div(16);
    VaeModel model = new VaeModel(latent, HIDDEN, X.dim(1));
    output.note(String.format(Locale.ROOT, "digits split 50/50 with seed 0, pixels / 16 as Bernoulli soft targets: %d training, "
        + "%d held-out images scored; k = %d, decoder %d-%d-%d, encoder %d-%d-%d; S = %d, γ = %s, K = %d; %d Adam steps of %d",
        X.dim(0), Xt.dim(0), latent, latent, HIDDEN, X.dim(1), X.dim(1), HIDDEN, 2 * latent, samples, gamma, unrolledSteps,
        steps, batch));

    DirectionalCheck check = firstGradientCheck(model, X, gamma, samples, seed).report(name(), output, 1e-4);
    SaviTraining.Config config = new SaviTraining.Config(steps, batch, samples, lr, unrolledSteps, seed);
    Map<SaviTraining.Method, SaviTraining.Trained> trained = new EnumMap<>(SaviTraining.Method.class);
    Map<SaviTraining.Method, SaviEvaluation> scores = new EnumMap<>(SaviTraining.Method.class);
    Refinement implicitRefinement = null;
    for (SaviTraining.Method m : SaviTraining.Method.values()) {
      Refinement refinement = new Refinement(model, gamma, 1e-6);
      if (m == SaviTraining.Method.IMPLICIT) implicitRefinement = refinement;
      trained.put(m, SaviTraining.train(m, model, refinement, X, config, output));
      scores.put(m, SaviEvaluation.of(model, trained.get(m).params(), Xt, gamma, testSamples, seed + 7));
    }

    Map<SaviTraining.Method, HeapMeter.Usage> heap = new EnumMap<>(SaviTraining.Method.class);
    if (!quick) {
      output.note("peak extra heap of one training step: measured in child JVMs (2 MB eden, 2 MB survivor spaces, so that a"
        + " step's short-lived temporaries die young instead of being promoted and counted) on a noise minibatch of the same"
        + " size at the initial parameters; live peak (sampled peak, garbage included, when no collection happened)");
      for (SaviTraining.Method m : SaviTraining.Method.values())
        heap.put(m, SaviMemoryProbe.measure(m, batch, samples, latent, gamma, unrolledSteps, seed));
    }

    int window = Math.max(1, Math.min(50, steps / 5));
    Table table = new Table("trained with", "train ELBO (last " + window + " batches)", "test ELBO at λ₀",
        "test ELBO after refinement", "ms per step", "peak extra heap / step (MB)");
    JsonObject json = new JsonObject().put("steps", steps).put("batch", batch).put("samples", samples).put("latent", latent)
        .put("gamma", gamma).put("unrolled_steps", unrolledSteps).put("learning_rate", lr).put("seed", seed)
        .put("test_samples", testSamples).put("test_images", Xt.dim(0));
    for (SaviTraining.Method m : SaviTraining.Method.values()) {
      SaviTraining.Trained t = trained.get(m);
      SaviEvaluation e = scores.get(m);
      String key = m.name().toLowerCase(Locale.ROOT);
      table.row(m == SaviTraining.Method.UNROLLED ? "semi-amortized, K = " + unrolledSteps + " unrolled steps" : m.label,
          tail(t.elbo(), window), e.elboAmortized(), e.elboRefined(), t.msPerStep(),
          heap.containsKey(m) ? String.format(Locale.ROOT, "%.2f", heap.get(m).peakBytes() / 1e6) : "- (not with --quick)");
      if (heap.containsKey(m)) json.put(key + "_peak_heap_bytes", heap.get(m).peakBytes());
      json.put(key + "_train_elbo", t.elbo()).put(key + "_test_elbo_amortized", e.elboAmortized())
          .put(key + "_test_elbo_refined", e.elboRefined()).put(key + "_ms_per_step", t.msPerStep())
          .put(key + "_test_refinement_iterations", e.iterations());
    }
    output.table(table);
    SolveCounts counts = implicitRefinement.counts();
    double lbfgs = (double) counts.iterations() / counts.solves();
    double cg = (double) counts.linearIterations() / Math.max(1, counts.linearSolves());
    output.out().printf(Locale.ROOT, "implicit training: %.1f L-BFGS iterations per refinement (%d of %d stopped short of "
        + "1e-6), %.1f CG iterations per backward solve%n", lbfgs, counts.unconverged(), counts.solves(), cg);
    json.put("implicit_lbfgs_iterations_per_refinement", lbfgs).put("implicit_cg_iterations_per_backward", cg)
        .put("implicit_unconverged_refinements", counts.unconverged());
    return new Result(check.addTo(json))
        .withPlot("training", trainingPlot(trained, window))
        .withPlot("reconstructions", reconstructions(model, trained, scores, Xt));
  }

  /**
   * The gradient of the implicit model's training loss at the initial parameters, on the first {@value #CHECK_ROWS}
   * training images, along a random direction of all parameters (decoder and encoder), against central
   * differences of the loss at Newton-polished refinements.
   */
  static DirectionalCheck firstGradientCheck(VaeModel model, Tensor X, double gamma, int samples, long seed) {
    Random rng = new Random(seed + 1);
    Tensor[] p0 = model.init(new Random(seed));
    Tensor x = X.slice(0, 0, Math.min(CHECK_ROWS, X.dim(0)));
    Tensor epsFit = Tensor.randn(rng, x.dim(0), samples, model.latent()), eps = Tensor.randn(rng, x.dim(0), samples, model.latent());
    Refinement refinement = new Refinement(model, gamma, 1e-9);
    Tensor[] grads = AD.gradAll(p -> SaviTraining.loss(SaviTraining.Method.IMPLICIT, model, refinement, 0, p, x, epsFit, eps), p0);
    return DirectionalCheck.of(v -> Tensor.scalar(polishedLoss(model, refinement, VaeModel.unflatten(v, p0), x, epsFit, eps)),
        VaeModel.flatten(p0), VaeModel.flatten(grads), rng, 1e-4);
  }

  /** The implicit model's training loss −(1/B) Σ ELBO(λ*) with λ* polished by Newton steps; not differentiable. */
  static double polishedLoss(VaeModel model, Refinement refinement, Tensor[] p, Tensor x, Tensor epsFit, Tensor eps) {
    Tensor[] dec = VaeModel.decoder(p);
    Tensor lambda = refinement.polished(x, epsFit, model.encode(VaeModel.encoder(p), x), dec);
    return -Elbo.perPoint(lambda, eps, model.bernoulli(x, dec)).mean().item();
  }

  private static double tail(double[] v, int window) {
    return java.util.Arrays.stream(v, Math.max(0, v.length - window), v.length).average().orElse(Double.NaN);
  }

  private static Plot trainingPlot(Map<SaviTraining.Method, SaviTraining.Trained> trained, int window) {
    Plot plot = new Plot(900, 500).title("Training ELBO per minibatch (mean of the last " + window + "), at each model's own λ")
        .xLabel("Adam step").yLabel("ELBO (nats per image)");
    for (var t : trained.values()) {
      double[] elbo = t.elbo();
      plot.line(t.method().label, IntStream.rangeClosed(1, elbo.length).asDoubleStream().toArray(), RunningMean.of(elbo, window));
    }
    return plot;
  }

  /** Held-out images and their decoded means sigmoid(ℓ_θ(μ)) at λ₀ and λ* for each model, one column per image. */
  private static Plot reconstructions(VaeModel model, Map<SaviTraining.Method, SaviTraining.Trained> trained,
      Map<SaviTraining.Method, SaviEvaluation> scores, Tensor Xt) {
    int shown = Math.min(SHOWN, Xt.dim(0)), k = model.latent();
    int[] rows = IntStream.range(0, shown).map(i -> i * (Xt.dim(0) / shown)).toArray();
    Plot plot = new Plot(900, 120 + 90 * (1 + 2 * trained.size())).title("Held-out digits and decoded means at λ₀ and after refinement")
        .imageColumns(shown);
    List<String> names = new ArrayList<>();
    List<Tensor> images = new ArrayList<>();
    names.add("held-out image");
    images.add(Xt.take(rows, 0));
    for (var m : trained.keySet()) {
      Tensor[] dec = VaeModel.decoder(trained.get(m).params());
      String tag = m.name().toLowerCase(Locale.ROOT);
      names.add(tag + " at λ₀");
      images.add(model.logits(dec, scores.get(m).lambda0().take(rows, 0).slice(1, 0, k)).sigmoid());
      names.add(tag + " at λ*");
      images.add(model.logits(dec, scores.get(m).refined().take(rows, 0).slice(1, 0, k)).sigmoid());
    }
    for (int r = 0; r < images.size(); r++)
      for (int c = 0; c < shown; c++) plot.image(c == 0 ? names.get(r) : "", 8, 8, images.get(r).row(c).mul(16).toDoubleArray());
    return plot;
  }
}

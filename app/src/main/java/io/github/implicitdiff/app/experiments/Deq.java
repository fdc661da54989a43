package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Experiment;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.bench.HeapMeter;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.cli.UsageException;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * A deep equilibrium classifier on the digits (Bai, Kolter and Koltun 2019): hidden state z*(x) the fixed
 * point of z = tanh(W z + U x + b) (1), logits V z* + c, mean cross-entropy, trained by Adam on minibatches
 * with gradients by implicit differentiation of (1) ({@link DeqModel}). ‖W‖₂ ≤ γ &lt; 1 through the
 * parametrization W = Ŵ·min(1, γ/σ(Ŵ)) ({@link SpectralCap}) rather than a penalty: it makes (1) a contraction
 * for every parameter value, so the forward solve always converges and the implicit system I − ∂T/∂z is
 * invertible with condition number ≤ (1 + γ)/(1 − γ), where a penalty only discourages ‖W‖₂ ≥ 1 on average.
 * Compared in one run with the same model (same initialization, same minibatches) trained by backpropagation
 * through K recorded fixed-point steps from z = 0, and with a one-hidden-layer tanh MLP of the same width
 * (W = 0). The first implicit gradient in Ŵ is checked against central differences along a random direction.
 */
public final class Deq implements Experiment {
  private static final double TOL_RMS = 1e-8;

  @Override
  public String name() {
    return "deq";
  }

  @Override
  public String description() {
    return "deep equilibrium classifier on digits trained by implicit differentiation, against unrolled backpropagation and an MLP";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("hidden", "H", "hidden size h, in [2, 256] (default 64; 32 with --quick)"),
        OptionSpec.value("steps", "N", "Adam steps of each model, in [1, 20000] (default 600; 200 with --quick)"),
        OptionSpec.value("batch", "B", "minibatch size, in [1, 899] (default 64)"),
        OptionSpec.value("lr", "ETA", "Adam learning rate, in [1e-5, 1] (default 0.01)"),
        OptionSpec.value("unroll", "K", "fixed-point steps recorded by the unrolled model, in [1, 1000] (default 20)"),
        OptionSpec.value("gamma", "G", "cap on the spectral norm of W, in [0.05, 0.99] (default 0.9)"),
        OptionSpec.value("forward", "SOLVER", "forward solver of the implicit model: fpi (fixed-point iteration, the default) or anderson"),
        OptionSpec.value("seed", "S", "seed of the initialization and of the minibatch order (default 0)"));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int hidden = options.getIntInRange("hidden", quick ? 32 : 64, 2, 256);
    int steps = options.getIntInRange("steps", quick ? 200 : 600, 1, 20000);
    int batch = options.getIntInRange("batch", 64, 1, 899);
    double lr = options.getDoubleInRange("lr", 0.01, 1e-5, 1);
    int K = options.getIntInRange("unroll", 20, 1, 1000);
    double gamma = options.getDoubleInRange("gamma", 0.9, 0.05, 0.99);
    DeqModel.Forward forward = forward(options.getString("forward", "fpi"));
    long seed = options.getLong("seed", 0);
    Digits digits = Digits.load(output);
    Tensor X = digits.train().X(), Xt = digits.validation().X();
    int[] y = Digits.labels(digits.train().y()), yt = Digits.labels(digits.validation().y());
    int d = X.dim(1), k = Digits.CLASSES;
    output.note(String.format(Locale.ROOT, "digits split 50/50 with seed 0: %d training and %d test images; h = %d, B = %d, "
        + "%d Adam steps (lr %g), γ = %g, K = %d, forward %s to rms(T(Z) − Z) ≤ %.0e", y.length, yt.length, hidden, batch, steps,
        lr, gamma, K, forward.name().toLowerCase(Locale.ROOT), TOL_RMS));

    DeqModel implicit = new DeqModel(DeqModel.Kind.IMPLICIT, forward, hidden, gamma, K, TOL_RMS);
    DeqModel unrolled = new DeqModel(DeqModel.Kind.UNROLLED, hidden, gamma, K, TOL_RMS);
    DeqModel mlp = new DeqModel(DeqModel.Kind.MLP, hidden, gamma, K, TOL_RMS);
    Tensor[] init = implicit.init(new Random(seed), d, k);
    Tensor[] mlpInit = Arrays.copyOf(init, 4); // the same U, b, V, c

    DirectionalCheck check = firstGradientCheck(init, X.slice(0, 0, Math.min(batch, y.length)),
        Arrays.copyOf(y, Math.min(batch, y.length)), hidden, gamma, seed).report(name(), output, 1e-4);

    DeqTraining ti = DeqTraining.run(implicit, init, X, y, batch, steps, lr, seed, output.progress().loop("implicit", steps, "loss"));
    DeqTraining tu = DeqTraining.run(unrolled, init, X, y, batch, steps, lr, seed, output.progress().loop("unrolled", steps, "loss"));
    DeqTraining tm = DeqTraining.run(mlp, mlpInit, X, y, batch, steps, lr, seed, output.progress().loop("mlp", steps, "loss"));

    double accImplicit = implicit.accuracy(ti.params(), Xt, yt);
    int testIterations = implicit.lastIterations();
    double accUnrolled = unrolled.accuracy(tu.params(), Xt, yt);
    double accUnrolledAtFixedPoint = new DeqModel(DeqModel.Kind.IMPLICIT, forward, hidden, gamma, K, TOL_RMS).accuracy(tu.params(), Xt, yt);
    double accMlp = mlp.accuracy(tm.params(), Xt, yt);
    Tensor W = implicit.effectiveW(ti.params());
    Tensor Zt = implicit.hidden(ti.params(), Xt);
    Tensor residual = DeqModel.MAP.apply(Zt, W, ti.params()[0], ti.params()[1], Xt).sub(Zt);
    double residualMax = residual.maxAbs(), residualRms = residual.norm2() / Math.sqrt(residual.size());
    double sigma = implicit.spectralNorm(W);
    Tensor Wu = unrolled.effectiveW(tu.params());
    double unrolledGap = unrolled.hidden(tu.params(), Xt).sub(implicit.hidden(tu.params(), Xt)).maxAbs();

    output.note("peak extra heap of one training step: measured in two child JVMs (1 MB young generation), live peak "
        + "(sampled peak, garbage included, when no collection happened)");
    HeapMeter.Usage heapImplicit = DeqMemoryProbe.measure(DeqModel.Kind.IMPLICIT, forward, batch, hidden, K, gamma, TOL_RMS, seed);
    HeapMeter.Usage heapUnrolled = DeqMemoryProbe.measure(DeqModel.Kind.UNROLLED, forward, batch, hidden, K, gamma, TOL_RMS, seed);

    Table table = new Table("model", "forward iterations / step", "backward", "ms / step (median)", "peak extra heap / step (MB)",
        "train loss (last epoch)", "test accuracy");
    int epoch = Math.max(1, (y.length + batch - 1) / batch);
    table.row("DEQ, implicit (" + forward.name().toLowerCase(Locale.ROOT) + ")", ti.meanForwardIterations(),
        String.format(Locale.ROOT, "%.1f GMRES its", ti.meanBackwardIterations()), ti.medianStepMillis(), mb(heapImplicit),
        ti.finalLoss(epoch), accImplicit);
    table.row("DEQ, unrolled K = " + K, tu.meanForwardIterations(), "tape of " + K + " steps", tu.medianStepMillis(), mb(heapUnrolled),
        tu.finalLoss(epoch), accUnrolled);
    table.row("MLP (W = 0)", 0, "one layer", tm.medianStepMillis(), "-", tm.finalLoss(epoch), accMlp);
    output.table(table);
    output.out().printf(Locale.ROOT, "unrolled model at its fixed point instead of K steps: test accuracy %.3f (max |Z_K − Z*| = %.2g)%n",
        accUnrolledAtFixedPoint, unrolledGap);
    output.out().printf(Locale.ROOT, "implicit model on the %d test images: %d forward iterations, max |T(Z*) − Z*| = %.2g, "
        + "‖W‖₂ = %.6f (γ = %g, σ(Ŵ) = %.4f)%n", yt.length, testIterations, residualMax, sigma, gamma, implicit.spectralNorm(ti.params()[4]));

    int window = epoch;
    double[] smoothI = ti.smoothedLoss(window), smoothU = tu.smoothedLoss(window), smoothM = tm.smoothedLoss(window);
    double[] axis = IntStream.range(0, smoothI.length).mapToDouble(i -> Math.min(steps, (i + 1) * window)).toArray();
    Plot plot = new Plot(900, 500).title("DEQ on digits: training loss (mean minibatch cross-entropy per epoch)")
        .xLabel("Adam step").yLabel("cross-entropy").yScale(Plot.Scale.LOG)
        .lineWithMarkers("DEQ, implicit", axis, smoothI).lineWithMarkers("DEQ, unrolled K = " + K, axis, smoothU)
        .lineWithMarkers("MLP", axis, smoothM);
    JsonObject json = new JsonObject().put("hidden", hidden).put("steps", steps).put("batch", batch).put("learning_rate", lr)
        .put("unroll", K).put("gamma", gamma).put("forward", forward.name().toLowerCase(Locale.ROOT)).put("seed", seed)
        .put("implicit_test_accuracy", accImplicit).put("unrolled_test_accuracy", accUnrolled)
        .put("unrolled_at_fixed_point_test_accuracy", accUnrolledAtFixedPoint).put("mlp_test_accuracy", accMlp)
        .put("implicit_ms_per_step", ti.medianStepMillis()).put("unrolled_ms_per_step", tu.medianStepMillis())
        .put("mlp_ms_per_step", tm.medianStepMillis())
        .put("implicit_forward_iterations", ti.meanForwardIterations()).put("implicit_backward_iterations", ti.meanBackwardIterations())
        .put("unrolled_forward_iterations", tu.meanForwardIterations())
        .put("implicit_peak_heap_bytes", heapImplicit.peakBytes()).put("unrolled_peak_heap_bytes", heapUnrolled.peakBytes())
        .put("implicit_train_loss", ti.finalLoss(epoch)).put("unrolled_train_loss", tu.finalLoss(epoch))
        .put("mlp_train_loss", tm.finalLoss(epoch))
        .put("loss_steps", axis).put("implicit_loss", smoothI).put("unrolled_loss", smoothU).put("mlp_loss", smoothM)
        .put("test_fixed_point_residual_max", residualMax).put("test_fixed_point_residual_rms", residualRms)
        .put("test_forward_iterations", testIterations).put("spectral_norm_w", sigma)
        .put("unrolled_spectral_norm_w", unrolled.spectralNorm(Wu)).put("unrolled_gap_to_fixed_point", unrolledGap);
    return new Result(check.addTo(json)).withPlot("loss", plot);
  }

  /**
   * ⟨∇_Ŵ L, u⟩ by implicit differentiation against central differences of L along a random unit u, on the
   * first minibatch at the initialization, with forward solves to rms 1e-12.
   */
  private static DirectionalCheck firstGradientCheck(Tensor[] init, Tensor Xb, int[] yb, int hidden, double gamma, long seed) {
    DeqModel tight = new DeqModel(DeqModel.Kind.IMPLICIT, hidden, gamma, 1, 1e-12);
    Tensor[] p = init.clone();
    java.util.function.Function<Tensor, Tensor> loss = What -> {
      p[4] = What;
      return tight.loss(p, Xb, yb);
    };
    Tensor grad = AD.grad(loss::apply, init[4]);
    return DirectionalCheck.of(loss::apply, init[4], grad, new Random(seed + 1), 1e-5);
  }

  private static DeqModel.Forward forward(String name) {
    return switch (name) {
      case "anderson" -> DeqModel.Forward.ANDERSON;
      case "fpi" -> DeqModel.Forward.FPI;
      default -> throw new UsageException("--forward must be anderson or fpi, got '" + name + "'");
    };
  }

  private static String mb(HeapMeter.Usage u) {
    return String.format(Locale.ROOT, "%.2f", u.peakBytes() / 1e6);
  }
}

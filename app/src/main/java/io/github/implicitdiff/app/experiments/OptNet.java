package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Experiment;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.solver.InteriorPointQp;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * An OptNet layer learned end to end (Amos and Kolter 2017, §5.2): piecewise-constant signals ({@link TvSignal}) are
 * denoised by the QP layer x̂(y; D, λ) = argmin_x ½‖x − y‖² + λ‖Dx‖₁ ({@link TvQpLayer}, solved by
 * {@link InteriorPointQp}), and (D, λ) are learned by {@link Adam} on the training MSE through the implicit derivative
 * of the QP's KKT conditions ({@link OptNetTraining}). D starts from the first differences D₁ plus N(0, ω²) noise on
 * its learned entries (a band of four taps per row by default, every entry with {@code --full}), λ from λ₀.
 *
 * <p>Compared on held-out signals (MSE per sample): the noisy input y, total-variation denoising with the hand-set D₁
 * and the λ of the grid σ·2^{j/2}, j = −4..4, with the lowest training MSE, the layer at its initialization and the
 * learned layer. The first gradient is checked against central differences along a random direction in (P, log λ).
 */
public final class OptNet implements Experiment {
  private static final int GRID_HALF_WIDTH = 4;

  @Override
  public String name() {
    return "optnet";
  }

  @Override
  public String description() {
    return "an OptNet TV-denoising QP layer (operator D and λ) learned by Adam through InteriorPointQp, against tuned TV";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("n", "N", "signal length, in [8, 200] (default 64; 40 with --quick)"),
        OptionSpec.value("train", "M", "training signals, in [1, 10000] (default 200; 40 with --quick)"),
        OptionSpec.value("test", "M", "test signals, in [1, 10000] (default 100; 40 with --quick)"),
        OptionSpec.value("steps", "N", "Adam steps, in [1, 5000] (default 200; 40 with --quick)"),
        OptionSpec.value("batch", "B", "signals per step, in [1, 100] (default 8)"),
        OptionSpec.value("lr", "ETA", "Adam learning rate, in [1e-5, 1] (default 0.005)"),
        OptionSpec.value("sigma", "S", "noise level of the observations, in [0.01, 5] (default 0.5)"),
        OptionSpec.value("lambda0", "L", "initial λ of the learned layer, in [1e-3, 100] (default 1)"),
        OptionSpec.value("init-noise", "W", "standard deviation of the noise added to D₁ at initialization, in [0, 1] (default 0.1)"),
        OptionSpec.flag("full", "learn every entry of D, not only the band of four taps per row"),
        OptionSpec.value("seed", "S", "seed of the signals and of the initial noise (default 0)"));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick"), full = options.has("full");
    int n = options.getIntInRange("n", quick ? 40 : 64, 8, 200);
    int trainCount = options.getIntInRange("train", quick ? 40 : 200, 1, 10000);
    int testCount = options.getIntInRange("test", quick ? 40 : 100, 1, 10000);
    int steps = options.getIntInRange("steps", quick ? 40 : 200, 1, 5000);
    int batch = options.getIntInRange("batch", 8, 1, 100);
    double lr = options.getDoubleInRange("lr", 0.005, 1e-5, 1);
    double sigma = options.getDoubleInRange("sigma", 0.5, 0.01, 5);
    double lambda0 = options.getDoubleInRange("lambda0", 1, 1e-3, 100);
    double initNoise = options.getDoubleInRange("init-noise", 0.1, 0, 1);
    long seed = options.getLong("seed", 0);
    Random rng = new Random(seed);
    List<TvSignal> train = TvSignal.draw(rng, trainCount, n, sigma), test = TvSignal.draw(rng, testCount, n, sigma);
    Tensor D1 = TvQpLayer.firstDifferences(n), mask = full ? Tensor.ones(n - 1, n) : OptNetTraining.band(n);
    output.note(String.format(Locale.ROOT, "piecewise-constant signals of length %d (N(0,1) levels, about %.0f jumps), noise "
        + "σ = %s; %d training and %d test signals; QP in (x, t) with %d variables and %d inequalities", n, TvSignal.JUMPS,
        sigma, trainCount, testCount, 2 * n - 1, 2 * (n - 1)));

    TvQpLayer layer = new TvQpLayer(InteriorPointQp.of());
    OptNetTraining training = new OptNetTraining(layer, mask);

    // hand-set TV: D₁ and the best λ of the grid on the training signals
    Table gridTable = new Table("λ (TV, D₁)", "train MSE");
    double[] grid = new double[2 * GRID_HALF_WIDTH + 1], gridMse = new double[grid.length];
    int best = 0;
    for (int j = 0; j < grid.length; j++) {
      grid[j] = sigma * Math.pow(2, (j - GRID_HALF_WIDTH) / 2.0);
      gridMse[j] = training.mse(D1, grid[j], train);
      gridTable.row(grid[j], gridMse[j]);
      if (gridMse[j] < gridMse[best]) best = j;
    }
    output.table(gridTable);
    double tvLambda = grid[best];

    // the learned layer
    Tensor P = D1.add(Tensor.randn(rng, n - 1, n).mul(initNoise)).mul(mask), logLambda = Tensor.scalar(Math.log(lambda0));
    Tensor initialD = P;
    Adam adam = new Adam(lr, P, logLambda);
    Random batches = new Random(seed + 1);
    double[] loss = new double[steps];
    DirectionalCheck check = null;
    var loop = output.progress().loop("optnet", steps, "batch_mse", "lambda");
    long solvesBefore = layer.solves(), iterationsBefore = layer.iterations(), timed = 0;
    for (int t = 0; t < steps; t++) {
      List<TvSignal> b = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) b.add(train.get(batches.nextInt(trainCount)));
      long start = System.nanoTime();
      OptNetTraining.Step step = training.step(P, logLambda, b);
      timed += System.nanoTime() - start;
      if (t == 0) check = checkFirstGradient(training, mask, P, logLambda, step, new Random(seed + 2), output);
      loss[t] = step.loss();
      Tensor[] next = adam.step(step.gradP(), step.gradLogLambda());
      P = next[0];
      logLambda = next[1];
      loop.update(t + 1, loss[t], Math.exp(logLambda.item()));
    }
    long trainingSolves = layer.solves() - solvesBefore;
    double iterationsPerSolve = (double) (layer.iterations() - iterationsBefore) / trainingSolves;
    double msPerStep = timed / 1e6 / steps;
    Tensor D = P.mul(mask);
    double lambda = Math.exp(logLambda.item());

    Table compare = new Table("denoiser", "train MSE", "test MSE");
    double noisyTest = noisyMse(test), tvTest = training.mse(D1, tvLambda, test);
    double initialTrain = training.mse(initialD, lambda0, train), initialTest = training.mse(initialD, lambda0, test);
    double learnedTrain = training.mse(D, lambda, train), learnedTest = training.mse(D, lambda, test);
    compare.row("noisy input y", noisyMse(train), noisyTest);
    compare.row(String.format(Locale.ROOT, "TV: D₁, λ = %.3f (grid best)", tvLambda), gridMse[best], tvTest);
    compare.row(String.format(Locale.ROOT, "layer at init: D₁ + noise %s, λ = %s", initNoise, lambda0), initialTrain, initialTest);
    compare.row(String.format(Locale.ROOT, "learned layer (%d steps): λ = %.3f", steps, lambda), learnedTrain, learnedTest);
    output.table(compare);
    output.out().printf(Locale.ROOT, "%d Adam steps of %d signals: %.1f ms per step (%.2f ms per QP solve + gradient), %.1f "
        + "interior-point iterations per solve; %d signals left out of a batch for a weakly active constraint%n", steps,
        batch, msPerStep, msPerStep * steps / trainingSolves, iterationsPerSolve, training.skipped());

    TvSignal shown = test.get(0);
    Plot signalPlot = signalPlot(shown, layer.denoise(D1, Tensor.scalar(tvLambda), shown.noisy()),
        layer.denoise(D, Tensor.scalar(lambda), shown.noisy()), tvLambda);
    Plot curve = trainingPlot(loss, gridMse[best], learnedTrain);
    JsonObject json = new JsonObject().put("n", n).put("train", trainCount).put("test", testCount).put("steps", steps)
        .put("batch", batch).put("learning_rate", lr).put("sigma", sigma).put("lambda0", lambda0).put("init_noise", initNoise)
        .put("full", full).put("seed", seed).put("learned_entries", (int) mask.sum().item())
        .put("lambda_grid", grid).put("lambda_grid_train_mse", gridMse).put("tv_lambda", tvLambda)
        .put("noisy_test_mse", noisyTest).put("tv_test_mse", tvTest).put("tv_train_mse", gridMse[best])
        .put("initial_test_mse", initialTest).put("initial_train_mse", initialTrain)
        .put("learned_test_mse", learnedTest).put("learned_train_mse", learnedTrain).put("learned_lambda", lambda)
        .put("train_loss", loss).put("ms_per_step", msPerStep).put("qp_iterations_per_solve", iterationsPerSolve)
        .put("weakly_active_skipped", training.skipped())
        .put("learned_minus_first_differences_norm", D.sub(D1).norm2());
    return new Result(check.addTo(json)).withPlot("signal", signalPlot).withPlot("training", curve);
  }

  /**
   * The first gradient against central differences along a random unit direction in (P, log λ), on the signals of the
   * first batch that were differentiated; values from untraced solves (to KKT error 1e-10, polished on the active set).
   */
  private DirectionalCheck checkFirstGradient(OptNetTraining training, Tensor mask, Tensor P, Tensor logLambda,
      OptNetTraining.Step step, Random rng, Output output) {
    int size = P.size();
    Tensor packed = Tensor.concat(0, P.reshape(size), logLambda.reshape(1));
    Tensor grad = Tensor.concat(0, step.gradP().reshape(size), step.gradLogLambda().reshape(1));
    return DirectionalCheck.of(th -> {
      Tensor p = th.slice(0, 0, size).reshape(P.shape());
      return Tensor.scalar(training.mse(p.mul(mask), Math.exp(th.index(0, size).item()), step.used()));
    }, packed, grad, rng, 1e-5).report(name(), output, 1e-5);
  }

  private static double noisyMse(List<TvSignal> signals) {
    return signals.stream().mapToDouble(s -> s.mse(s.noisy()).item()).average().orElseThrow();
  }

  private static Plot signalPlot(TvSignal s, Tensor tv, Tensor learned, double tvLambda) {
    double[] i = IntStream.range(0, s.truth().size()).asDoubleStream().toArray();
    return new Plot(900, 500).title("A test signal: truth, noisy input, TV denoising and the learned OptNet layer")
        .xLabel("sample").yLabel("value")
        .add("noisy y", i, s.noisy().toDoubleArray(), Plot.Style.MARKERS)
        .line("truth x", i, s.truth().toDoubleArray())
        .line(String.format(Locale.ROOT, "TV, D₁, λ = %.3f", tvLambda), i, tv.toDoubleArray())
        .line("learned layer", i, learned.toDoubleArray());
  }

  private static Plot trainingPlot(double[] loss, double tvTrain, double learnedTrain) {
    double[] step = IntStream.rangeClosed(1, loss.length).asDoubleStream().toArray();
    return new Plot(900, 500).title("Training the OptNet layer: MSE of each batch")
        .xLabel("Adam step").yLabel("MSE per sample").yScale(Plot.Scale.LOG)
        .add("batch MSE", step, loss, Plot.Style.LINE_AND_MARKERS)
        .horizontalLine(tvTrain, "TV with the grid-best λ (whole training set)")
        .horizontalLine(learnedTrain, "learned layer (whole training set)");
  }
}

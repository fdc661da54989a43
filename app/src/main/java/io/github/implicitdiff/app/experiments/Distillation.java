package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Experiment;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.cli.UsageException;
import io.github.implicitdiff.app.data.Standardizer;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.loss.Objectives;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.LBFGS;
import io.github.implicitdiff.solver.Newton;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Dataset distillation on the digits (Wang et al. 2018; the JAXopt paper's example): one synthetic 8×8
 * image per class, Θ (10×64), learned so that multinomial logistic regression trained on those ten images
 * alone classifies the real images well. Inner problem W*(Θ) = argmin_W (1/10) Σ_c CE(Θ_c W; c) + (λ/2)‖W‖²
 * by L-BFGS (no bias: see {@link Problem}); outer loss CE(W*(Θ); X, y) on the real training half; its
 * gradient in Θ by implicit differentiation of the inner stationarity condition (no iteration recorded);
 * {@link Adam} on Θ from Gaussian noise or (--init means) from the ten class means. The first
 * hypergradient is checked against central differences along a random direction. The distilled images are compared with two sets of ten real images trained
 * on the same way: the class means, and one random image per class (several draws).
 */
public final class Distillation implements Experiment {
  private static final int RANDOM_DRAWS = 20;

  @Override
  public String name() {
    return "distillation";
  }

  @Override
  public String description() {
    return "one synthetic image per digit class, learned through L-BFGS by implicit hypergradients, against real images";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("steps", "N", "Adam steps on the images, in [1, 5000] (default 300; 100 with --quick)"),
        OptionSpec.value("lr", "ETA", "Adam learning rate, in [1e-5, 10] (default 0.05)"),
        OptionSpec.value("lambda", "L", "L2 strength of the inner problem, in [1e-4, 10] (default 0.1)"),
        OptionSpec.value("init", "FROM", "start of the images: noise (Gaussian, standardized units) or means (the ten class means)"
            + " (default noise)"),
        OptionSpec.value("seed", "S", "seed of the initial noise and of the random-image baseline (default 0)"));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int steps = options.getIntInRange("steps", quick ? 100 : 300, 1, 5000);
    double lr = options.getDoubleInRange("lr", 0.05, 1e-5, 10);
    double lambda = options.getDoubleInRange("lambda", 0.1, 1e-4, 10);
    long seed = options.getLong("seed", 0);
    String init = options.getString("init", "noise");
    if (!init.equals("noise") && !init.equals("means"))
      throw new UsageException("--init must be noise or means, got '" + init + "'");
    Digits digits = Digits.load(output);
    Tensor X = digits.train().X(), Xt = digits.validation().X();
    int[] y = Digits.labels(digits.train().y()), yt = Digits.labels(digits.validation().y());
    int k = Digits.CLASSES, d = X.dim(1);
    output.note("digits split 50/50 with seed 0: outer loss on the " + y.length + " training images, accuracy on the other "
        + yt.length);

    Problem problem = new Problem(X, y, k, lambda, true);
    Random rng = new Random(seed);
    Tensor means = classMeans(X, y, k);
    Tensor noise = Tensor.randn(rng, k, d); // drawn in both cases, so that the random-image draws do not depend on --init
    Tensor theta = init.equals("means") ? means : noise;
    Adam adam = new Adam(lr, theta);
    double[] lossPath = new double[steps + 1], accPath = new double[steps + 1];
    Table progressTable = new Table("step", "outer_loss (train)", "test_accuracy", "inner L-BFGS iterations");
    var loop = output.progress().loop("distill", steps, "outer_loss", "test_acc");
    // the first hypergradient against central differences of the outer loss at polished inner solutions
    Problem exact = new Problem(X, y, k, lambda, false);
    DirectionalCheck check = null;
    long start = System.nanoTime();
    for (int t = 0; ; t++) {
      var vg = AD.valueAndGrad(problem::outerLoss, theta);
      if (t == 0)
        check = DirectionalCheck.of(th -> Tensor.scalar(exact.exactOuterLoss(th)), theta, vg.grad(), new Random(seed + 1), 1e-4).report(name(), output, 1e-4);
      lossPath[t] = vg.value().item();
      accPath[t] = Digits.accuracy(problem.lastSolution(), Xt, yt);
      if (t == 0 || t == steps || t % Math.max(1, steps / 6) == 0)
        progressTable.row(t, lossPath[t], accPath[t], problem.lastIterations());
      if (t > 0) loop.update(t, lossPath[t], accPath[t]);
      if (t == steps) break;
      theta = adam.step(vg.grad())[0];
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    output.table(progressTable);

    // baselines: the same inner problem trained on ten real training images
    Baseline distilled = Baseline.of(problem, theta, Xt, yt);
    Baseline meanImages = Baseline.of(problem, means, Xt, yt);
    Tensor firstDraw = null;
    double[] drawAcc = new double[RANDOM_DRAWS], drawLoss = new double[RANDOM_DRAWS];
    for (int r = 0; r < RANDOM_DRAWS; r++) {
      Tensor images = randomImagePerClass(X, y, k, rng);
      if (r == 0) firstDraw = images;
      Baseline b = Baseline.of(problem, images, Xt, yt);
      drawAcc[r] = b.testAccuracy();
      drawLoss[r] = b.outerLoss();
    }
    double randomAcc = mean(drawAcc), randomLoss = mean(drawLoss);
    double randomMin = java.util.Arrays.stream(drawAcc).min().orElseThrow();
    double randomMax = java.util.Arrays.stream(drawAcc).max().orElseThrow();
    Table compare = new Table("trained on 10 images", "outer_loss (train)", "test_accuracy");
    compare.row("distilled (" + steps + " Adam steps from " + init + ")",
        distilled.outerLoss(), distilled.testAccuracy());
    compare.row("class means", meanImages.outerLoss(), meanImages.testAccuracy());
    compare.row(String.format(Locale.ROOT, "random image per class (mean of %d draws; accuracy %.3f–%.3f)", RANDOM_DRAWS,
        randomMin, randomMax), randomLoss, randomAcc);
    output.table(compare);
    output.out().printf(Locale.ROOT, "%d outer steps in %.1f s (%.0f ms per hypergradient step)%n", steps, seconds,
        1e3 * seconds / (steps + 1));

    double[] stepAxis = IntStream.rangeClosed(0, steps).asDoubleStream().toArray();
    Plot lossPlot = new Plot(900, 500).title("Dataset distillation on digits: outer loss (real training images)")
        .xLabel("Adam step").yLabel("cross-entropy of the model trained on 10 images")
        .line("distilled images", stepAxis, lossPath)
        .horizontalLine(meanImages.outerLoss(), "class means")
        .horizontalLine(randomLoss, "random real images (mean)");
    Plot imagePlot = imageGrid(digits.standardizer(), theta, means, firstDraw, k);
    JsonObject json = new JsonObject().put("steps", steps).put("learning_rate", lr).put("lambda", lambda).put("seed", seed)
        .put("init", init)
        .put("outer_loss", lossPath).put("test_accuracy", accPath)
        .put("distilled_test_accuracy", distilled.testAccuracy()).put("distilled_outer_loss", distilled.outerLoss())
        .put("class_means_test_accuracy", meanImages.testAccuracy()).put("class_means_outer_loss", meanImages.outerLoss())
        .put("random_images_test_accuracy", randomAcc).put("random_images_test_accuracy_min", randomMin)
        .put("random_images_test_accuracy_max", randomMax).put("random_images_outer_loss", randomLoss)
        .put("random_images_draws", RANDOM_DRAWS).put("seconds", seconds)
        .put("distilled_images", toPixels(digits.standardizer(), theta));
    return new Result(check.addTo(json)).withPlot("images", imagePlot).withPlot("outer-loss", lossPlot);
  }

  /**
   * The bilevel problem on a labelled set (X, y) with k classes and k images Θ (one per class, image c of
   * label c): W*(Θ) = argmin_W (1/k) Σ_c CE(Θ_c W; c) + (λ/2)‖W‖², outer loss CE(W*(Θ); X, y).
   *
   * <p>No bias term: an unpenalized bias leaves the inner Hessian singular along b + s·1 (softmax ignores a
   * common shift), and a penalized one is only a constant pixel that the images could learn too. λ bounds
   * the inner Hessian below by λ I and above by λ + ‖Θ‖²_F/(2k) (softmax curvature ≤ ½), so with
   * standardized images (‖Θ‖²_F ≈ 64k) and λ = 0.1 its condition number is at most about 300, and both the
   * L-BFGS solve and the CG solve of the implicit system take some tens of iterations; a much smaller λ lets
   * W* grow as the ten images are separated (the loss is then flat in W), which slows both.
   */
  static final class Problem {
    private final Tensor X;
    private final int[] y;
    private final int[] classes;
    private final Objective inner;
    private final LBFGS solver;
    private final boolean warmStart;
    private Tensor last;
    private int lastIterations;

    /**
     * @param warmStart whether each solve starts from the previous solution (else from W = 0)
     */
    Problem(Tensor X, int[] y, int k, double lambda, boolean warmStart) {
      this(X, y, k, lambda, warmStart, 1e-9);
    }

    /** @param tol the inner solver's tolerance (default 1e-9; see {@link io.github.implicitdiff.solver.Optimizer}) */
    Problem(Tensor X, int[] y, int k, double lambda, boolean warmStart, double tol) {
      this.X = X;
      this.y = y.clone();
      this.classes = IntStream.range(0, k).toArray();
      Tensor lam = Tensor.scalar(lambda);
      this.inner = (W, th) -> Objectives.l2MulticlassLogistic(W, lam, th[0], classes);
      this.solver = LBFGS.of(inner).withTol(tol);
      this.warmStart = warmStart;
      this.last = Tensor.zeros(X.dim(1), k);
    }

    /** W*(Θ), differentiable in Θ by the implicit function theorem. */
    Tensor train(Tensor images) {
      var result = solver.run(warmStart ? last : Tensor.zeros(X.dim(1), classes.length), images);
      Tensor W = result.orThrow();
      last = W.concrete();
      lastIterations = result.iterations();
      return W;
    }

    /** CE(W*(Θ); X, y), differentiable in Θ. */
    Tensor outerLoss(Tensor images) {
      return Objectives.multiclassLogistic(train(images), X, y);
    }

    /**
     * CE(W*(Θ); X, y) for finite differences, not differentiable: W* from L-BFGS polished by full Newton steps
     * with the dense Hessian ({@link NewtonPolish}). The outer loss is first order in the error of W*, and a line
     * search cannot take the inner gradient much below √(rounding of f · λ), where it stops seeing f
     * decrease; Newton steps without a line search take it to rounding level.
     */
    double exactOuterLoss(Tensor images) {
      Tensor W = NewtonPolish.of(inner).withHessianMode(Newton.HessianMode.DENSE).run(train(images), images).orThrow();
      return Objectives.multiclassLogistic(W, X, y).item();
    }

    /** The last solution W* (concrete). */
    Tensor lastSolution() {
      return last;
    }

    int lastIterations() {
      return lastIterations;
    }
  }

  /** A model trained on ten images: its outer loss and its test accuracy. */
  private record Baseline(double outerLoss, double testAccuracy) {
    static Baseline of(Problem problem, Tensor images, Tensor Xt, int[] yt) {
      double loss = problem.outerLoss(images).item();
      return new Baseline(loss, Digits.accuracy(problem.lastSolution(), Xt, yt));
    }
  }

  private static Tensor classMeans(Tensor X, int[] y, int k) {
    Tensor[] rows = new Tensor[k];
    for (int c = 0; c < k; c++) rows[c] = X.take(indicesOf(y, c), 0).mean(0);
    return Tensor.stack(0, rows);
  }

  private static Tensor randomImagePerClass(Tensor X, int[] y, int k, Random rng) {
    int[] pick = new int[k];
    for (int c = 0; c < k; c++) {
      int[] members = indicesOf(y, c);
      pick[c] = members[rng.nextInt(members.length)];
    }
    return X.take(pick, 0);
  }

  private static int[] indicesOf(int[] y, int c) {
    return IntStream.range(0, y.length).filter(i -> y[i] == c).toArray();
  }

  private static double mean(double[] v) {
    return java.util.Arrays.stream(v).average().orElseThrow();
  }

  /** Standardized images back to pixel values (0–16 for real digits), one row of 64 per image. */
  private static double[][] toPixels(Standardizer s, Tensor images) {
    return images.mul(Tensor.of(s.scale())).add(Tensor.of(s.mean())).toArray2d();
  }

  private static Plot imageGrid(Standardizer s, Tensor distilled, Tensor means, Tensor random, int k) {
    Plot plot = new Plot(900, 440).title("Distilled images, their differences from their mean, class means, random images")
        .imageColumns(k);
    List<String> rowNames = List.of("distilled ", "difference ", "mean ", "random ");
    Tensor differences = distilled.sub(distilled.mean(0)).mul(Tensor.of(s.scale()));
    List<double[][]> rows = List.of(toPixels(s, distilled), differences.toArray2d(), toPixels(s, means), toPixels(s, random));
    for (int r = 0; r < rows.size(); r++)
      for (int c = 0; c < k; c++) plot.image(rowNames.get(r) + c, 8, 8, rows.get(r)[c]);
    return plot;
  }
}

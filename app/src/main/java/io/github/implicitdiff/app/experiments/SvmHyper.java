package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Experiment;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.bench.Timing;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.cli.UsageException;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The regularization λ of the multiclass linear SVM on wine (or iris) by hypergradient descent: W(λ) of
 * {@link SvmDualPath}'s (1) on the training half (standardized features and a constant feature, a penalized
 * intercept), outer loss the validation multiclass logistic loss
 * <pre>
 *   L(λ) = (1/m_v) Σ_i [log Σ_j exp((X_v W(λ))_ij) − (X_v W(λ))_{i,y_i}],
 * </pre>
 * dL/dλ through the dual solver's implicit derivative; {@link LogLambdaDescent} on log λ, selecting the iterate of smallest L. The logistic loss and not
 * the hinge loss: on nearly separable data the validation hinge loss is zero or piecewise linear in W with few
 * active points, so its hypergradient is zero or jumps, while the logistic loss is smooth and also scores the
 * scale of W, which λ sets. Compared with a grid search over λ (the reference curve L(λ) is plotted with the
 * path) on validation and on a test quarter used by neither; at the initial λ the hypergradient is checked
 * against central differences and against the other dual solver's.
 */
public final class SvmHyper implements Experiment {
  private static final List<String> DATASETS = List.of("wine", "iris");

  @Override
  public String name() {
    return "svm-hyper";
  }

  @Override
  public String description() {
    return "multiclass SVM regularization on wine by implicit hypergradients through its dual (BCD or mirror descent)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("dataset", "NAME", "wine or iris (default wine)"),
        OptionSpec.value("solver", "NAME", "dual solver: bcd (block coordinate descent) or mirror (mirror descent) (default bcd)"),
        OptionSpec.value("steps", "N", "Adam steps on log λ, in [1, 1000] (default 30; 15 with --quick)"),
        OptionSpec.value("lr", "ETA", "Adam learning rate on log λ, in [1e-3, 2] (default 0.3)"),
        OptionSpec.value("lambda", "L", "initial λ, in [1e-3, 1e4] (default 100)"),
        OptionSpec.value("grid", "G", "grid-search points, log-spaced over [0.01, 1000], in [5, 500] (default 31; 8 with --quick)"),
        OptionSpec.value("seed", "S", "seed of the 50/25/25 split and of the gradient check's direction (default 0)"));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    String dataset = options.getString("dataset", "wine");
    if (!DATASETS.contains(dataset))
      throw new UsageException("run svm-hyper: --dataset must be wine or iris, got '" + dataset + "'");
    String solverName = options.getString("solver", "bcd");
    if (!List.of("bcd", "mirror").contains(solverName))
      throw new UsageException("run svm-hyper: --solver must be bcd or mirror, got '" + solverName + "'");
    SvmDualPath.Method method = solverName.equals("bcd") ? SvmDualPath.Method.BLOCK_COORDINATE_DESCENT
        : SvmDualPath.Method.MIRROR_DESCENT;
    int steps = options.getIntInRange("steps", quick ? 15 : 30, 1, 1000);
    double lr = options.getDoubleInRange("lr", 0.3, 1e-3, 2);
    double lambda0 = options.getDoubleInRange("lambda", 100, 1e-3, 1e4);
    int gridSize = options.getIntInRange("grid", quick ? 8 : 31, 5, 500);
    long seed = options.getLong("seed", 0);

    ThreeWaySplit data = ThreeWaySplit.load(dataset, seed);
    Tensor X = withConstant(data.train().X()), Xv = withConstant(data.validation().X()), Xt = withConstant(data.test().X());
    int[] y = Digits.labels(data.train().y()), yv = Digits.labels(data.validation().y()), yt = Digits.labels(data.test().y());
    int k = 1 + java.util.Arrays.stream(y).max().orElseThrow();
    output.note(data.describe(dataset, seed) + "; a constant feature appended (penalized intercept); " + k + " classes");
    SvmDualPath path = new SvmDualPath(X, y, k, method, 1e-7);
    TensorFunction outer = s -> SvmDualPath.logisticLoss(path.weights(s.exp()), Xv, yv);

    // checks at λ0: central differences of L (solves to 1e-12 from β*(λ0)) and the other solver's hypergradient (from uniform β)
    Tensor s0 = Tensor.scalar(Math.log(lambda0));
    Tensor g0 = AD.grad(outer, s0);
    SvmDualPath tight = path.with(SvmDualPath.Method.BLOCK_COORDINATE_DESCENT);
    tight.dual(s0.exp());
    tight = tight.fromLast(1e-12);
    SvmDualPath exact = tight;
    DirectionalCheck check = DirectionalCheck.of(s -> SvmDualPath.logisticLoss(exact.weights(s.exp()), Xv, yv), s0, g0,
        new Random(seed + 1), 1e-4).report(name(), output, 1e-4);
    SvmDualPath.Method otherMethod = method == SvmDualPath.Method.MIRROR_DESCENT ? SvmDualPath.Method.BLOCK_COORDINATE_DESCENT
        : SvmDualPath.Method.MIRROR_DESCENT;
    SvmDualPath mine = path.fromLast(1e-9), other = path.with(otherMethod).cold(1e-9);
    double gMine = AD.grad(s -> SvmDualPath.logisticLoss(mine.weights(s.exp()), Xv, yv), s0).item();
    double gOther = AD.grad(s -> SvmDualPath.logisticLoss(other.weights(s.exp()), Xv, yv), s0).item();
    double solversDiff = Math.abs(gMine - gOther) / Math.max(1e-300, Math.abs(gOther));
    output.out().printf(Locale.ROOT, "dL/dlog λ at λ = %.4g, both solvers to 1e-9: %s %.8g (%d iterations),"
        + " %s %.8g (%d iterations), rel. diff %.2g%n", lambda0, method, gMine, mine.lastIterations(), otherMethod, gOther,
        other.lastIterations(), solversDiff);

    // hypergradient descent on log λ
    double[] valAcc = new double[steps + 1], testAcc = new double[steps + 1], testLoss = new double[steps + 1];
    int[] iterations = new int[steps + 1], supportVectors = new int[steps + 1];
    var loop = output.progress().loop("hyper", steps, "lambda", "val_loss");
    long start = System.nanoTime();
    LogLambdaDescent descent = LogLambdaDescent.run(outer, lambda0, lr, steps, (t, lambda, loss) -> {
      Tensor W = path.lastWeights(lambda);
      iterations[t] = path.lastIterations();
      supportVectors[t] = path.supportVectors();
      valAcc[t] = Digits.accuracy(W, Xv, yv);
      testAcc[t] = Digits.accuracy(W, Xt, yt);
      testLoss[t] = SvmDualPath.logisticLoss(W, Xt, yt).item();
      if (t > 0) loop.update(t, lambda, loss);
    });
    double descentSeconds = (System.nanoTime() - start) / 1e9;
    Table progress = new Table("step", "λ", "val loss", "val accuracy", "test accuracy", "support vectors",
        method == SvmDualPath.Method.MIRROR_DESCENT ? "mirror-descent iterations" : "BCD sweeps", "ms per hypergradient");
    for (int t = 0; t <= steps; t++)
      if (t == 0 || t == steps || t % Math.max(1, steps / 8) == 0)
        progress.row(t, descent.lambda()[t], descent.loss()[t], valAcc[t], testAcc[t], supportVectors[t], iterations[t],
            descent.millis()[t]);
    output.table(progress);
    int chosen = descent.best();
    double lambdaHyper = descent.lambda()[chosen];

    // grid search with the same solver, from the largest λ down
    double[] grid = ValidationCurve.logGrid(0.01, 1000, gridSize);
    double[] gridVal = new double[gridSize], gridValAcc = new double[gridSize], gridTestAcc = new double[gridSize],
        gridTest = new double[gridSize];
    start = System.nanoTime();
    for (int i = gridSize - 1; i >= 0; i--) {
      Tensor W = path.weights(Tensor.scalar(grid[i])).concrete();
      gridVal[i] = SvmDualPath.logisticLoss(W, Xv, yv).item();
      gridTest[i] = SvmDualPath.logisticLoss(W, Xt, yt).item();
      gridValAcc[i] = Digits.accuracy(W, Xv, yv);
      gridTestAcc[i] = Digits.accuracy(W, Xt, yt);
    }
    double gridSeconds = (System.nanoTime() - start) / 1e9;
    int best = ValidationCurve.argmin(gridVal);

    Table compare = new Table("λ chosen by", "λ", "val loss", "val accuracy", "test loss", "test accuracy", "seconds");
    compare.row("hypergradient descent (best of " + (steps + 1) + " iterates, step " + chosen + ")", lambdaHyper,
        descent.loss()[chosen], valAcc[chosen], testLoss[chosen], testAcc[chosen], descentSeconds);
    compare.row("grid search (" + gridSize + " λ's, best validation loss)", grid[best], gridVal[best], gridValAcc[best],
        gridTest[best], gridTestAcc[best], gridSeconds);
    compare.row("initial λ", lambda0, descent.loss()[0], valAcc[0], testLoss[0], testAcc[0], "");
    output.table(compare);
    Tensor sHyper = Tensor.scalar(Math.log(lambdaHyper));
    path.weights(sHyper.exp()); // the last solution is now β*(λ_final): BCD restarts at it, mirror descent from uniform
    double finalMs = 1e3 * Timing.measure(1, 5, () -> AD.grad(outer, sHyper)).medianSeconds();
    output.out().printf(Locale.ROOT, "hypergradient (%s solve + implicit derivative, GMRES on %d×%d unknowns): median %.1f ms"
        + " along the path; %.1f ms at the chosen λ with %s%n", method == SvmDualPath.Method.MIRROR_DESCENT ? "mirror-descent"
        : "warm-started BCD", X.dim(0), k, descent.medianMillis(), finalMs,
        method == SvmDualPath.Method.MIRROR_DESCENT ? "the same cold solve" : "the solve already at the solution");

    Plot plot = ValidationCurve.plot("Validation logistic loss of the SVM weights against λ (" + dataset
        + "), with the path of Adam on log λ", "validation multiclass logistic loss", grid, gridVal, descent.lambda(), descent.loss());
    JsonObject json = new JsonObject().put("dataset", dataset).put("solver", solverName).put("steps", steps)
        .put("learning_rate", lr).put("seed", seed).put("initial_lambda", lambda0)
        .put("path_lambda", descent.lambda()).put("path_val_loss", descent.loss()).put("path_val_accuracy", valAcc)
        .put("path_test_accuracy", testAcc).put("path_test_loss", testLoss).put("path_iterations", iterations)
        .put("path_support_vectors", supportVectors).put("path_hypergradient_ms", descent.millis())
        .put("path_dloss_dloglambda", descent.gradient())
        .put("hyper_step", chosen).put("final_lambda", descent.lambda()[steps])
        .put("hyper_lambda", lambdaHyper).put("hyper_val_loss", descent.loss()[chosen]).put("hyper_val_accuracy", valAcc[chosen])
        .put("hyper_test_loss", testLoss[chosen]).put("hyper_test_accuracy", testAcc[chosen]).put("hyper_seconds", descentSeconds)
        .put("grid_lambda", grid).put("grid_val_loss", gridVal).put("grid_val_accuracy", gridValAcc)
        .put("grid_test_loss", gridTest).put("grid_test_accuracy", gridTestAcc).put("grid_best_lambda", grid[best])
        .put("grid_best_val_loss", gridVal[best]).put("grid_best_test_accuracy", gridTestAcc[best]).put("grid_seconds", gridSeconds)
        .put("hypergradient_ms_at_final_lambda", finalMs).put("solver_hypergradient", gMine)
        .put("other_solver_hypergradient", gOther).put("solvers_relative_difference", solversDiff);
    return new Result(check.addTo(json)).withPlot("val-loss", plot);
  }

  /** [X, 1]: a constant last column. */
  static Tensor withConstant(Tensor X) {
    return Tensor.concat(1, X, Tensor.ones(X.dim(0), 1));
  }
}

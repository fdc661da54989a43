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
import io.github.implicitdiff.linalg.Cholesky;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The lasso (or elastic net) strength on the diabetes data by hypergradient descent: w*(λ) of
 * {@link ElasticNetPath}'s (1) on the training half by FISTA, outer loss the validation MSE
 * L(λ) = (1/m)‖X_v w*(λ) − y_v‖², its derivative dL/dλ = (2/m)(X_v w* − y_v)ᵀX_v (∂w*(λ)/∂λ) with that derivative from the
 * solver's implicit differentiation, reduced to the support ({@link ElasticNetPath}'s (3)); {@link LogLambdaDescent}
 * on log λ, selecting the iterate of smallest validation MSE. Compared with a grid search over λ with the same solver (the reference curve L(λ) is plotted with the
 * path), with least squares and with the training mean, on a test quarter used by neither. At the initial λ the
 * derivative is checked against the support closed form (4) and against central differences; at the final λ the
 * hypergradient is timed through the reduced and the full implicit system.
 */
public final class LassoHyper implements Experiment {
  @Override
  public String name() {
    return "lasso-hyper";
  }

  @Override
  public String description() {
    return "lasso / elastic-net strength on diabetes by implicit hypergradients through FISTA, against a grid search";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("steps", "N", "Adam steps on log λ, in [1, 1000] (default 40; 20 with --quick)"),
        OptionSpec.value("lr", "ETA", "Adam learning rate on log λ, in [1e-3, 2] (default 0.2)"),
        OptionSpec.value("lambda", "L", "initial λ, > 0 (default λ_max/2)"),
        OptionSpec.value("grid", "G", "grid-search points, log-spaced over [1e-4, 1]·λ_max, in [5, 500] (default 60; 25 with --quick)"),
        OptionSpec.flag("elastic-net", "the elastic net λ(ρ‖w‖₁ + ((1 − ρ)/2)‖w‖²) instead of the lasso λ‖w‖₁"),
        OptionSpec.value("l1-ratio", "R", "ρ with --elastic-net, in [0.01, 0.99] (default 0.5)"),
        OptionSpec.value("seed", "S", "seed of the 50/25/25 split (default 0)"));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int steps = options.getIntInRange("steps", quick ? 20 : 40, 1, 1000);
    double lr = options.getDoubleInRange("lr", 0.2, 1e-3, 2);
    int gridSize = options.getIntInRange("grid", quick ? 25 : 60, 5, 500);
    if (options.has("l1-ratio") && !options.has("elastic-net"))
      throw new UsageException("run lasso-hyper: --l1-ratio goes with --elastic-net");
    double rho = options.has("elastic-net") ? options.getDoubleInRange("l1-ratio", 0.5, 0.01, 0.99) : 1;
    long seed = options.getLong("seed", 0);
    ThreeWaySplit data = ThreeWaySplit.load("diabetes", seed);
    double yMean = data.train().y().mean().item();
    Tensor X = data.train().X(), y = data.train().y().sub(yMean);
    Tensor Xv = data.validation().X(), yv = data.validation().y().sub(yMean);
    Tensor Xt = data.test().X(), yt = data.test().y().sub(yMean);
    output.note(data.describe("diabetes", seed) + "; target centred by the training mean (no intercept)");
    String model = rho == 1 ? "lasso" : String.format(Locale.ROOT, "elastic net, ρ = %.2f", rho);

    ElasticNetPath path = new ElasticNetPath(X, y, rho, true, 1e-10);
    double lambdaMax = path.lambdaMax();
    double lambda0 = options.has("lambda") ? options.getPositiveDouble("lambda", 1) : lambdaMax / 2;
    output.note(String.format(Locale.ROOT, "%s; λ_max = %.4g (w* = 0 above it); initial λ = %.4g", model, lambdaMax, lambda0));
    TensorFunction outer = s -> mse(path.solve(s.exp()), Xv, yv);

    // checks at λ0: dw*/dλ against the support closed form (4), dL/ds against central differences
    Tensor w0 = path.solve(lambda0);
    Tensor implicitDw = AD.jvp(path::solve, Tensor.scalar(lambda0), Tensor.scalar(1)).outTangent();
    Tensor closedDw = path.closedFormDerivative(lambda0, w0);
    double closedDiff = implicitDw.sub(closedDw).norm2() / Math.max(1e-300, closedDw.norm2());
    output.out().printf(Locale.ROOT, "dw*/dλ at λ = %.4g (|S| = %d): implicit vs the support closed form −(X_SᵀX_S/n%s)⁻¹(…): rel. diff %.2g%n",
        lambda0, ElasticNetPath.support(w0), rho == 1 ? "" : " + (1−ρ)λI", closedDiff);
    if (!(closedDiff < 1e-6))
      throw new IllegalStateException("lasso-hyper: implicit dw*/dλ disagrees with the closed form: " + implicitDw + " vs " + closedDw);
    Tensor s0 = Tensor.scalar(Math.log(lambda0));
    ElasticNetPath tight = path.cold(1e-13);
    DirectionalCheck check = DirectionalCheck.of(s -> mse(tight.solve(s.exp()), Xv, yv), s0, AD.grad(outer, s0),
        new Random(seed + 1), 1e-5).report(name(), output, 1e-5);

    // hypergradient descent on log λ
    int[] support = new int[steps + 1], iterations = new int[steps + 1];
    double[] testPath = new double[steps + 1];
    Table progress = new Table("step", "λ", "val MSE", "test MSE", "|S|", "FISTA iterations", "ms per hypergradient");
    var loop = output.progress().loop("hyper", steps, "lambda", "val_mse");
    long start = System.nanoTime();
    LogLambdaDescent descent = LogLambdaDescent.run(outer, lambda0, lr, steps, (t, lambda, loss) -> {
      Tensor w = path.last();
      support[t] = ElasticNetPath.support(w);
      iterations[t] = path.lastIterations();
      testPath[t] = mse(w, Xt, yt).item();
      if (t > 0) loop.update(t, lambda, loss);
    });
    double descentSeconds = (System.nanoTime() - start) / 1e9;
    for (int t = 0; t <= steps; t++) {
      if (t == 0 || t == steps || t % Math.max(1, steps / 8) == 0)
        progress.row(t, descent.lambda()[t], descent.loss()[t], testPath[t], support[t], iterations[t], descent.millis()[t]);
    }
    output.table(progress);
    int chosen = descent.best();
    double lambdaHyper = descent.lambda()[chosen];

    // the same hypergradient through the reduced and the full implicit system, warm at the solution of the chosen λ
    TensorFunction outerFull = s -> mse(path.withActiveSet(false).solve(s.exp()), Xv, yv);
    Tensor sHyper = Tensor.scalar(Math.log(lambdaHyper));
    double gReduced = AD.grad(outer, sHyper).item(), gFull = AD.grad(outerFull, sHyper).item();
    double reducedMs = 1e3 * Timing.measure(2, 7, () -> AD.grad(outer, sHyper)).medianSeconds();
    double fullMs = 1e3 * Timing.measure(2, 7, () -> AD.grad(outerFull, sHyper)).medianSeconds();
    double systemsDiff = Math.abs(gReduced - gFull) / Math.max(1e-300, Math.abs(gFull));

    // grid search with the same solver, from λ_max down (warm starts along the path)
    double[] grid = ValidationCurve.logGrid(1e-4 * lambdaMax, lambdaMax, gridSize);
    double[] gridVal = new double[gridSize], gridTest = new double[gridSize];
    int[] gridSupport = new int[gridSize];
    start = System.nanoTime();
    for (int i = gridSize - 1; i >= 0; i--) {
      Tensor w = path.solve(grid[i]);
      gridVal[i] = mse(w, Xv, yv).item();
      gridTest[i] = mse(w, Xt, yt).item();
      gridSupport[i] = ElasticNetPath.support(w);
    }
    double gridSeconds = (System.nanoTime() - start) / 1e9;
    int best = ValidationCurve.argmin(gridVal);

    Tensor wHyper = path.solve(lambdaHyper);
    Tensor wLeastSquares = Cholesky.factor(X.T().matmul(X)).solve(X.T().matmul(y));
    Table compare = new Table("model", "λ", "val MSE", "test MSE", "|S| of " + X.dim(1), "seconds");
    compare.row("hypergradient descent (best of " + (steps + 1) + " iterates, step " + chosen + ")", lambdaHyper, descent.loss()[chosen],
        mse(wHyper, Xt, yt).item(), ElasticNetPath.support(wHyper), descentSeconds);
    compare.row("grid search (" + gridSize + " λ's, best on validation)", grid[best], gridVal[best], gridTest[best],
        gridSupport[best], gridSeconds);
    compare.row("least squares (λ = 0)", 0.0, mse(wLeastSquares, Xv, yv).item(), mse(wLeastSquares, Xt, yt).item(), X.dim(1), "");
    compare.row("training mean (λ ≥ λ_max)", lambdaMax, yv.square().mean().item(), yt.square().mean().item(), 0, "");
    output.table(compare);
    output.out().printf(Locale.ROOT, "hypergradient: median %.2f ms (solve warm-started from the previous λ, then the implicit"
        + " derivative); at the chosen λ, warm: %.2f ms through the support-reduced system (|S| = %d, CG), %.2f ms through"
        + " the full one (%d unknowns, GMRES); the two agree to %.2g%n", descent.medianMillis(), reducedMs,
        ElasticNetPath.support(wHyper), fullMs, X.dim(1), systemsDiff);

    Plot plot = ValidationCurve.plot("Validation MSE against λ (" + model + ", diabetes), with the path of Adam on log λ",
        "validation MSE", grid, gridVal, descent.lambda(), descent.loss());
    JsonObject json = new JsonObject().put("model", model).put("l1_ratio", rho).put("steps", steps).put("learning_rate", lr)
        .put("seed", seed).put("lambda_max", lambdaMax).put("initial_lambda", lambda0)
        .put("path_lambda", descent.lambda()).put("path_val_mse", descent.loss()).put("path_test_mse", testPath)
        .put("path_support", support).put("path_fista_iterations", iterations).put("path_hypergradient_ms", descent.millis())
        .put("path_dloss_dloglambda", descent.gradient())
        .put("hyper_step", chosen).put("final_lambda", descent.lambda()[steps])
        .put("hyper_lambda", lambdaHyper).put("hyper_val_mse", descent.loss()[chosen]).put("hyper_test_mse", mse(wHyper, Xt, yt).item())
        .put("hyper_seconds", descentSeconds)
        .put("grid_lambda", grid).put("grid_val_mse", gridVal).put("grid_test_mse", gridTest).put("grid_support", gridSupport)
        .put("grid_best_lambda", grid[best]).put("grid_best_val_mse", gridVal[best]).put("grid_best_test_mse", gridTest[best])
        .put("grid_seconds", gridSeconds)
        .put("least_squares_val_mse", mse(wLeastSquares, Xv, yv).item()).put("least_squares_test_mse", mse(wLeastSquares, Xt, yt).item())
        .put("mean_val_mse", yv.square().mean().item()).put("mean_test_mse", yt.square().mean().item())
        .put("hypergradient_ms_active_set", reducedMs).put("hypergradient_ms_full_system", fullMs)
        .put("active_set_vs_full_relative_difference", systemsDiff).put("closed_form_relative_difference", closedDiff);
    return new Result(check.addTo(json)).withPlot("val-mse", plot);
  }

  /** (1/m)‖Xw − y‖². */
  static Tensor mse(Tensor w, Tensor X, Tensor y) {
    return X.matmul(w).sub(y).square().mean();
  }

}

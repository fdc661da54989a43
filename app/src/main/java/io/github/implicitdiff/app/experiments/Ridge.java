package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Experiment;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.bench.RidgeHypergradient;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.cli.UsageException;
import io.github.implicitdiff.app.data.CsvData;
import io.github.implicitdiff.app.data.Datasets;
import io.github.implicitdiff.app.data.Standardizer;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Ridge hyperparameter by implicit hypergradient: w*(λ) = argmin (1/2n)‖Xw − y‖² + (λ/2)‖w‖² (no intercept),
 * validation loss L(λ) = (1/2m)‖X_v w*(λ) − y_v‖², dL/dλ by implicit differentiation of
 * F(w, λ) = Xᵀ(Xw − y)/n + λw (CG for the solve and for the adjoint), checked against the Cholesky closed
 * form dL/dλ = −∇L(w*)ᵀ(XᵀX/n + λI)⁻¹w*. With --optimize: gradient descent on log λ.
 */
public final class Ridge implements Experiment {
  @Override
  public String name() {
    return "ridge";
  }

  @Override
  public String description() {
    return "ridge regularization: validation-loss hypergradient by implicit differentiation (and --optimize)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("train", "FILE.csv", "training data (header row, last column the target); default: diabetes split 70/30"),
        OptionSpec.value("val", "FILE.csv", "validation data with the same columns (required with --train)"),
        OptionSpec.value("lambda", "L", "ridge strength λ, > 0 (default 0.1)"),
        OptionSpec.flag("standardize", "standardize features with the training mean and standard deviation"),
        OptionSpec.flag("optimize", "run gradient descent on log λ and plot the validation loss against λ"),
        OptionSpec.value("steps", "N", "gradient-descent steps with --optimize, in [1, 10000] (default 40; 15 with --quick)"));
  }

  @Override
  public Result run(Options options, Output output) {
    double lambda = options.getPositiveDouble("lambda", 0.1);
    CsvData train, val;
    if (options.has("train") || options.has("val")) {
      if (!options.has("train") || !options.has("val"))
        throw new UsageException("run ridge: --train and --val go together (got only --" + (options.has("train") ? "train" : "val") + ")");
      train = CsvData.read(options.requirePath("train"));
      val = CsvData.read(options.requirePath("val")).requireSameColumns(train);
    } else {
      CsvData all = Datasets.load("diabetes");
      CsvData.Split split = all.split(0.7, new Random(0));
      double mean = split.train().y().mean().item();
      train = withTarget(split.train(), split.train().y().sub(mean));
      val = withTarget(split.validation(), split.validation().y().sub(mean));
      output.note("data: diabetes (442×10, features centred and scaled as distributed), split 70/30 with seed 0;"
          + " target centred by the training mean " + String.format(java.util.Locale.ROOT, "%.4g", mean) + " (no intercept in the model)");
    }
    if (options.has("standardize")) {
      Standardizer s = Standardizer.fit(train);
      train = s.apply(train);
      val = s.apply(val);
      output.note(s.describe());
    }
    RidgeHypergradient problem = RidgeHypergradient.of(train.X(), train.y(), val.X(), val.y());
    MultiInputFunction wStar = problem.solution();
    Tensor lam = Tensor.scalar(lambda);
    Tensor w = wStar.apply(lam);
    double valLoss = problem.valLoss(w).item();
    double hyper = AD.grad(l -> problem.valLoss(wStar.apply(l)), lam).item();
    Tensor dw = AD.jvp(l -> wStar.apply(l), lam, Tensor.scalar(1.0)).outTangent();
    double closed = problem.denseHypergradient(lambda);
    double relErr = Math.abs(hyper - closed) / Math.max(1e-300, Math.abs(closed));
    if (!(relErr < 1e-6))
      throw new IllegalStateException("ridge: implicit hypergradient " + hyper + " disagrees with the closed form " + closed);
    Table t = new Table("feature", "w*", "dw*/dλ");
    for (int i = 0; i < w.size(); i++) t.row(train.featureNames().get(i), w.get(i), dw.get(i));
    output.table(t);
    output.out().printf(java.util.Locale.ROOT, "λ = %.6g  validation loss = %.8g  dL/dλ = %.8g (closed form %.8g, rel. diff %.2g)%n",
        lambda, valLoss, hyper, closed, relErr);
    JsonObject json = new JsonObject().put("n_train", train.numSamples()).put("n_val", val.numSamples())
        .put("features", train.featureNames()).put("lambda", lambda).put("weights", w.toDoubleArray())
        .put("val_loss", valLoss).put("hypergradient", hyper).put("hypergradient_closed_form", closed)
        .put("hypergradient_relative_difference", relErr).put("dweights_dlambda", dw.toDoubleArray());
    Result result = new Result(json);
    if (options.has("optimize")) result = optimize(problem, wStar, lambda, options, output, json, result);
    return result;
  }

  /** Gradient descent on s = log λ (dL/ds = λ dL/dλ), step halved whenever the loss would rise. */
  private Result optimize(RidgeHypergradient problem, MultiInputFunction wStar, double lambda0, Options options, Output output,
      JsonObject json, Result result) {
    int steps = options.getIntInRange("steps", options.has("quick") ? 15 : 40, 1, 10_000);
    double s = Math.log(lambda0);
    List<double[]> path = new ArrayList<>();
    var loop = output.progress().loop("optimize", steps, "lambda", "val_loss");
    double eta = Double.NaN;
    for (int k = 0; k < steps; k++) {
      double lam = Math.exp(s);
      var vg = AD.valueAndGrad(l -> problem.valLoss(wStar.apply(l)), Tensor.scalar(lam));
      double loss = vg.value().item(), gs = vg.grad().item() * lam;
      path.add(new double[] {lam, loss});
      loop.update(k + 1, lam, loss);
      if (Double.isNaN(eta)) eta = 0.5 / Math.max(1e-12, Math.abs(gs)); // first step moves log λ by 0.5
      double next = s - eta * gs;
      for (int b = 0; b < 30 && problem.valLoss(problem.solveCg(Math.exp(next))).item() > loss; b++) {
        eta *= 0.5;
        next = s - eta * gs;
      }
      s = next;
    }
    double lamOpt = Math.exp(s);
    double lossOpt = problem.valLoss(problem.solveCg(lamOpt)).item();
    output.out().printf(java.util.Locale.ROOT, "optimized λ = %.6g  validation loss = %.8g  (from λ = %.6g, loss %.8g)%n",
        lamOpt, lossOpt, lambda0, path.get(0)[1]);
    double lo = Math.min(lambda0, lamOpt) / 30, hi = Math.max(lambda0, lamOpt) * 30;
    double[] grid = ValidationCurve.logGrid(lo, hi, 40), curve = new double[grid.length];
    for (int i = 0; i < grid.length; i++) curve[i] = problem.valLoss(problem.solveCg(grid[i])).item();
    Plot plot = ValidationCurve.plot("Validation loss against λ, with the gradient-descent path on log λ", "validation loss",
        grid, curve, path.stream().mapToDouble(p -> p[0]).toArray(), path.stream().mapToDouble(p -> p[1]).toArray());
    json.put("optimize", new JsonObject().put("steps", steps).put("lambda", lamOpt).put("val_loss", lossOpt)
        .put("path_lambda", path.stream().mapToDouble(p -> p[0]).toArray())
        .put("path_val_loss", path.stream().mapToDouble(p -> p[1]).toArray()));
    return result.withPlot("val-loss", plot);
  }

  private static CsvData withTarget(CsvData d, Tensor y) {
    return new CsvData(d.source(), d.featureNames(), d.targetName(), d.X(), y);
  }
}

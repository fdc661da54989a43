package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Experiment;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.data.CsvData;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.loss.Objectives;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.LBFGS;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * Per-feature regularization of multinomial logistic regression on the digits images, learned by
 * hypergradient descent: W*(θ) = argmin_W CE(XW; y) + ½ Σ_j e^{θ_j} ‖W_j‖² by L-BFGS (its stationarity
 * condition differentiated implicitly: no iteration is recorded), outer loss the validation cross-entropy,
 * gradient descent on the 64 log-strengths θ. The first hypergradient is checked against central
 * differences of the outer loss along a random direction.
 */
public final class LogregHyper implements Experiment {
  @Override
  public String name() {
    return "logreg-hyper";
  }

  @Override
  public String description() {
    return "64 per-pixel L2 strengths of logistic regression on digits, learned through L-BFGS by implicit hypergradients";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("steps", "N", "hypergradient steps, in [1, 1000] (default 25; 6 with --quick)"),
        OptionSpec.value("lambda", "L", "initial strength of every pixel, > 0 (default 0.01)"),
        OptionSpec.value("samples", "M", "training and validation samples each, in [20, 898] (default 898; 300 with --quick)"));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int steps = options.getIntInRange("steps", quick ? 6 : 25, 1, 1000);
    double lambda0 = options.getPositiveDouble("lambda", 0.01);
    int m = options.getIntInRange("samples", quick ? 300 : 898, 20, 898);
    Digits digits = Digits.load(output);
    CsvData train = digits.train(), val = digits.validation();
    output.note("digits split 50/50 with seed 0; " + m + " training and " + m + " validation samples used");
    int[] rows = java.util.stream.IntStream.range(0, m).toArray();
    Tensor X = train.rows(rows).X(), Xv = val.rows(rows).X();
    int[] y = Digits.labels(train.rows(rows).y()), yv = Digits.labels(val.rows(rows).y());
    int d = X.dim(1), k = 10;

    Objective inner = (W, th) -> Objectives.l2MulticlassLogistic(W, th[0].exp(), X, y);
    LBFGS solver = LBFGS.of(inner).withTol(1e-9);
    Tensor[] warm = {Tensor.zeros(d, k)};
    io.github.implicitdiff.autodiff.TensorFunction valLoss = th -> {
      Tensor W = solver.run(warm[0], th).orThrow();
      warm[0] = W.concrete();
      return Objectives.multiclassLogistic(W, Xv, yv);
    };
    Tensor theta = Tensor.full(Math.log(lambda0), d);

    // check the first hypergradient against central differences along a random unit direction
    var first = AD.valueAndGrad(valLoss, theta);
    // the differences need solves tighter than h (their error is about tol / h): cold starts at tol 1e-10
    LBFGS tight = solver.withTol(1e-10);
    DirectionalCheck check = DirectionalCheck.of(
        th -> Objectives.multiclassLogistic(tight.run(Tensor.zeros(d, k), th).orThrow(), Xv, yv),
        theta, first.grad(), new Random(1), 5e-4).report("logreg-hyper", output, 1e-3);

    double[] lossPath = new double[steps + 1], accPath = new double[steps + 1];
    var loop = output.progress().loop("hyper", steps, "val_loss", "val_acc");
    double eta = 0.5 / Math.max(1e-12, first.grad().maxAbs()); // first step moves a log-strength by at most 0.5
    Tensor g = first.grad();
    double loss = first.value().item();
    Table table = new Table("step", "val_loss", "val_accuracy", "mean log10 λ");
    for (int t = 0; t <= steps; t++) {
      lossPath[t] = loss;
      accPath[t] = Digits.accuracy(warm[0], Xv, yv);
      if (t == 0 || t == steps || t % Math.max(1, steps / 5) == 0)
        table.row(t, loss, accPath[t], theta.mean().item() / Math.log(10));
      if (t == steps) break;
      Tensor next = theta.sub(g.mul(eta));
      var vg = AD.valueAndGrad(valLoss, next);
      for (int b = 0; b < 20 && vg.value().item() > loss; b++) { // halve the step while the loss rises
        eta *= 0.5;
        next = theta.sub(g.mul(eta));
        vg = AD.valueAndGrad(valLoss, next);
      }
      theta = next;
      loss = vg.value().item();
      g = vg.grad();
      loop.update(t + 1, loss, Digits.accuracy(warm[0], Xv, yv));
    }
    output.table(table);
    double[] steps0 = new double[steps + 1];
    for (int i = 0; i <= steps; i++) steps0[i] = i;
    Plot plot = new Plot(900, 500).title("Validation cross-entropy during hypergradient descent (digits, 64 λ's)")
        .xLabel("hypergradient step").yLabel("validation loss").lineWithMarkers("validation cross-entropy", steps0, lossPath);
    double[] pixels = new double[d], log10Lambda = new double[d];
    for (int j = 0; j < d; j++) {
      pixels[j] = j;
      log10Lambda[j] = theta.get(j) / Math.log(10);
    }
    Plot strengths = new Plot(900, 500).title("Learned regularization per pixel").xLabel("pixel (row-major 8×8)")
        .yLabel("log10 λ").lineWithMarkers("log10 λ_j", pixels, log10Lambda).horizontalLine(Math.log10(lambda0), "initial");
    JsonObject json = new JsonObject().put("samples", m).put("steps", steps).put("initial_lambda", lambda0)
        .put("val_loss", lossPath).put("val_accuracy", accPath).put("log10_lambda", log10Lambda);
    return new Result(check.addTo(json)).withPlot("val-loss", plot).withPlot("lambda", strengths);
  }
}

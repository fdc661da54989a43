package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Experiment;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
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
import io.github.implicitdiff.autodiff.ValueAndGrad;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Task-driven dictionary learning (Mairal, Bach and Ponce 2012; the JAXopt paper's experiment) on the breast
 * cancer data: k unit atoms D = D̃ / column norms, elastic-net codes α*(x; D) of every sample by FISTA
 * ({@link SparseCoding}, its (1)), and a logistic regression (w, b) on the codes. Three models are compared on
 * the held-out half:
 * <ul>
 *   <li>(b) unsupervised: Adam on D̃ for min_D (1/n) Σ_i min_α ½‖x_i − Dα‖² + λ‖α‖₁ + (ε/2)‖α‖² (gradient by
 *       the envelope theorem, {@link SparseCoding#reconstructionLoss}), from k random training samples scaled to unit
 *       norm; then
 *       (w, b) fitted on its codes by L-BFGS ({@link LogisticModel});</li>
 *   <li>(a) task-driven: Adam on (D̃, w, b) jointly for the outer loss {@link TaskDrivenLoss}
 *       L = (1/n) Σ_i ℓ(y_i, α*(x_i; D)ᵀw + b) + (μ/2)‖w‖², from (b), its gradient in D̃ by implicit
 *       differentiation of the coding problem through the solver's active-set reduction;</li>
 *   <li>(c) logistic regression on the 30 standardized features, the same μ.</li>
 * </ul>
 * The first task-driven gradient is checked along a random direction of D̃ against central differences of L
 * with cold, tight inner solves; at the end the reduced (|S|×|S|, CG) and the full (nk×nk, GMRES) implicit
 * systems are timed on the same gradient.
 */
public final class Dictionary implements Experiment {
  @Override
  public String name() {
    return "dictionary";
  }

  @Override
  public String description() {
    return "task-driven dictionary learning on breast cancer: sparse codes by FISTA, dictionary learned through them";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("atoms", "K", "dictionary atoms, in [2, 30] (default 8)"),
        OptionSpec.value("lambda", "L", "ℓ1 strength of the codes, in [1e-3, 10] (default 0.5)"),
        OptionSpec.value("epsilon", "E", "ℓ2 strength of the codes (elastic net), in [1e-6, 1] (default 0.01)"),
        OptionSpec.value("steps", "N", "Adam steps of each dictionary, in [1, 5000] (default 200; 40 with --quick)"),
        OptionSpec.value("mu", "M", "L2 strength μ on the classifier's weights w, in [0, 10] (default 0.01)"),
        OptionSpec.value("lr", "ETA", "Adam learning rate, in [1e-5, 1] (default 0.02)"),
        OptionSpec.value("atom-norm", "C", "unit (D = D̃ / column norms) or ball (D = D̃, each column projected onto ‖d_j‖ ≤ 1 after"
            + " each task-driven Adam step, as in the paper) (default unit)"),
        OptionSpec.value("nu", "NU", "penalty (ν/2)‖D‖²_F on the task-driven dictionary, in [0, 10]; only with --atom-norm ball"
            + " (default 0)"),
        OptionSpec.value("early-stop", "F", "hold out this fraction of the training half, in [0.1, 0.5], and keep the task-driven"
            + " step with the smallest logistic loss on it; 0 for none (default 0)"),
        OptionSpec.value("seed", "S", "seed of the initial atoms and of the gradient check's direction (default 0)"));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int k = options.getIntInRange("atoms", 8, 2, 30);
    double lambda = options.getDoubleInRange("lambda", 0.5, 1e-3, 10);
    double epsilon = options.getDoubleInRange("epsilon", 0.01, 1e-6, 1);
    int steps = options.getIntInRange("steps", quick ? 40 : 200, 1, 5000);
    double mu = options.getDoubleInRange("mu", 0.01, 0, 10);
    double lr = options.getDoubleInRange("lr", 0.02, 1e-5, 1);
    long seed = options.getLong("seed", 0);
    String atomNorm = options.getString("atom-norm", "unit");
    if (!atomNorm.equals("unit") && !atomNorm.equals("ball"))
      throw new UsageException("--atom-norm must be unit or ball, got '" + atomNorm + "'");
    boolean ball = atomNorm.equals("ball");
    double nu = options.getDoubleInRange("nu", 0, 0, 10);
    if (nu > 0 && !ball)
      throw new UsageException("--nu goes with --atom-norm ball (unit atoms have the constant ‖D‖²_F = k)");
    double holdOut = options.getDoubleInRange("early-stop", 0, 0, 0.5);
    if (holdOut != 0 && holdOut < 0.1)
      throw new UsageException("--early-stop must be 0 or in [0.1, 0.5], got " + holdOut);
    CsvData.Split split = Datasets.load("breast_cancer").split(0.5, new Random(0));
    Standardizer standardizer = Standardizer.fit(split.train());
    output.note(standardizer.describe());
    Tensor X = standardizer.apply(split.train().X()), y = split.train().y();
    Tensor Xt = standardizer.apply(split.validation().X()), yt = split.validation().y();
    output.note("breast_cancer split 50/50 with seed 0: " + X.dim(0) + " training and " + Xt.dim(0) + " test samples");
    SparseCoding train = new SparseCoding(X, lambda, epsilon, true, 1e-8);
    SparseCoding test = new SparseCoding(Xt, lambda, epsilon, true, 1e-8);

    // (c) logistic regression on the raw features
    LogisticModel raw = LogisticModel.fit(X, y, mu);
    Scores rawScores = Scores.of(raw.scores(Xt), yt, LogisticModel.loss(raw.w(), raw.b(), mu, X, y).item(), Double.NaN);

    // (b) unsupervised dictionary: Adam on the per-sample coding objective, from k random training samples
    Random rng = new Random(seed);
    Tensor Dt = SparseCoding.unitColumns(X.take(distinctRows(rng, X.dim(0), k), 0).T());
    Adam adam = new Adam(lr, Dt);
    double[] reconstruction = new double[steps + 1];
    var unsupLoop = output.progress().loop("unsupervised", steps, "reconstruction");
    long start = System.nanoTime();
    for (int t = 0; ; t++) {
      ValueAndGrad vg = AD.valueAndGrad(d -> train.reconstructionLoss(SparseCoding.unitColumns(d)), Dt);
      reconstruction[t] = vg.value().item();
      if (t > 0) unsupLoop.update(t, reconstruction[t]);
      if (t == steps) break;
      Dt = adam.step(vg.grad())[0];
    }
    double unsupSeconds = (System.nanoTime() - start) / 1e9;
    Tensor Dunsup = SparseCoding.unitColumns(Dt).concrete();
    Tensor codesUnsup = train.codes(Dunsup).concrete();
    LogisticModel unsupModel = LogisticModel.fit(codesUnsup, y, mu);
    Scores unsup = Scores.of(unsupModel.scores(test.codes(Dunsup)), yt,
        LogisticModel.loss(unsupModel.w(), unsupModel.b(), mu, codesUnsup, y).item(), SparseCoding.nonzerosPerSample(codesUnsup));

    // (a) task-driven: Adam on (D̃, w, b) from (b), gradients through the codes by implicit differentiation;
    // with early stopping on the fit part of the training half only, (w, b) refitted there, the rest to stop on
    Tensor Xfit = X, yfit = y, Xval = null, yval = null;
    LogisticModel start0 = unsupModel;
    SparseCoding fit = train, held = null;
    if (holdOut > 0) {
      int[] order = distinctRows(new Random(seed + 2), X.dim(0), X.dim(0));
      int nVal = (int) Math.round(holdOut * X.dim(0));
      int[] valRows = java.util.Arrays.copyOf(order, nVal), fitRows = java.util.Arrays.copyOfRange(order, nVal, order.length);
      Xfit = X.take(fitRows, 0).concrete();
      yfit = y.take(fitRows, 0).concrete();
      Xval = X.take(valRows, 0).concrete();
      yval = y.take(valRows, 0).concrete();
      fit = new SparseCoding(Xfit, lambda, epsilon, true, 1e-8);
      held = new SparseCoding(Xval, lambda, epsilon, true, 1e-8);
      start0 = LogisticModel.fit(fit.codes(Dunsup).concrete(), yfit, mu);
      output.note("early stopping: task-driven training on " + fitRows.length + " of the training samples, stopping on the other "
          + nVal);
    }
    TaskDrivenLoss loss = ball ? new TaskDrivenLoss(fit, yfit, mu).inBall(nu) : new TaskDrivenLoss(fit, yfit, mu);
    Adam joint = new Adam(lr, ball ? Dunsup : Dt, start0.w(), start0.b());
    Tensor[] params = joint.params();
    double[] outer = new double[steps + 1], validation = new double[held != null ? steps + 1 : 0];
    int best = 0;
    Tensor[] bestParams = params;
    int[] fistaIterations = new int[steps + 1];
    Table progress = new Table("step", "outer loss (train)", "test accuracy", "test AUC", "nonzero codes per sample",
        "FISTA iterations");
    var loop = output.progress().loop("task-driven", steps, "outer_loss");
    DirectionalCheck check = null;
    start = System.nanoTime();
    for (int t = 0; ; t++) {
      ValueAndGrad vg = AD.valueAndGradAll(loss, params);
      outer[t] = vg.value().item();
      fistaIterations[t] = fit.lastIterations();
      if (t == 0) {
        Tensor[] p0 = params;
        TaskDrivenLoss exact = loss.with(fit.cold(1e-13));
        check = DirectionalCheck.of(d -> exact.apply(d, p0[1], p0[2]), p0[0], vg.grads()[0], new Random(seed + 1), 1e-5)
            .report(name(), output, 1e-4);
      }
      if (held != null) {
        validation[t] = LogisticModel.loss(params[1], params[2], 0, held.codes(loss.dictionary(params[0])).concrete(), yval).item();
        if (validation[t] < validation[best]) {
          best = t;
          bestParams = params;
        }
      }
      if (t == 0 || t == steps || t % Math.max(1, steps / 5) == 0) {
        Tensor D = loss.dictionary(params[0]);
        Scores s = Scores.of(new LogisticModel(params[1], params[2]).scores(test.codes(D)), yt, outer[t],
            SparseCoding.nonzerosPerSample(fit.lastCodes()));
        progress.row(t, outer[t], s.accuracy(), s.auc(), s.nonzeros(), fistaIterations[t]);
      }
      if (t > 0) loop.update(t, outer[t]);
      if (t == steps) break;
      params = joint.step(vg.grads());
      if (ball) params[0] = joint.project(0, TaskDrivenLoss::projectColumnsToBall);
    }
    double taskSeconds = (System.nanoTime() - start) / 1e9;
    output.table(progress);
    int kept = held != null ? best : steps;
    if (held != null) {
      params = bestParams;
      output.out().printf(Locale.ROOT, "early stopping: step %d of %d has the smallest held-out logistic loss, %.4f (%.4f at step 0,"
          + " %.4f at step %d)%n", best, steps, validation[best], validation[0], validation[steps], steps);
    }
    Tensor Dtask = loss.dictionary(params[0]).concrete();
    Tensor codesTask = train.codes(Dtask).concrete();
    Scores task = Scores.of(new LogisticModel(params[1], params[2]).scores(test.codes(Dtask)), yt, outer[kept],
        SparseCoding.nonzerosPerSample(codesTask));

    Table compare = new Table("model", "test accuracy", "test AUC", "outer loss (train)", "nonzero codes per sample");
    compare.row("(a) task-driven dictionary, " + k + (ball ? " atoms in the unit ball" : " unit atoms")
        + (nu > 0 ? ", ν = " + nu : "") + (held != null ? ", stopped at step " + kept : ""), task.accuracy(), task.auc(), task.loss(), task.nonzeros());
    compare.row("(b) unsupervised dictionary, " + k + " atoms", unsup.accuracy(), unsup.auc(), unsup.loss(), unsup.nonzeros());
    compare.row("(c) logistic regression on the 30 features", rawScores.accuracy(), rawScores.auc(), rawScores.loss(), "");
    output.table(compare);
    output.out().printf(Locale.ROOT, "%d Adam steps each: unsupervised %.0f ms per step, task-driven %.0f ms per step"
        + " (codes of %d samples, mean %.1f FISTA iterations warm-started)%n", steps, 1e3 * unsupSeconds / (steps + 1),
        1e3 * taskSeconds / (steps + 1), X.dim(0), mean(fistaIterations));

    SystemTiming systems = SystemTiming.measure(loss, new SparseCoding(Xfit, lambda, epsilon, false, 1e-8), params);
    systems.report(output);

    double[] stepAxis = IntStream.rangeClosed(0, steps).asDoubleStream().toArray();
    Plot lossPlot = new Plot(900, 500).title("Task-driven dictionary learning on breast cancer: outer loss")
        .xLabel("Adam step").yLabel("logistic loss + (μ/2)‖w‖² on the training half")
        .line("task-driven (D, w, b)", stepAxis, outer)
        .horizontalLine(rawScores.loss(), "logistic regression on the raw features");
    Plot atomPlot = atomGrid(Dunsup, Dtask, k);
    JsonObject json = new JsonObject().put("atoms", k).put("lambda", lambda).put("epsilon", epsilon).put("mu", mu)
        .put("steps", steps).put("learning_rate", lr).put("seed", seed).put("atom_norm", atomNorm).put("nu", nu)
        .put("early_stop", holdOut)
        .put("outer_loss", outer).put("reconstruction_loss", reconstruction).put("fista_iterations", fistaIterations)
        .put("unsupervised_seconds_per_step", unsupSeconds / (steps + 1))
        .put("task_driven_seconds_per_step", taskSeconds / (steps + 1));
    if (held != null) json.put("early_stop_step", kept).put("validation_loss", validation).put("fit_samples", Xfit.dim(0));
    task.addTo(json, "task_driven");
    unsup.addTo(json, "unsupervised");
    rawScores.addTo(json, "raw_features");
    systems.addTo(json);
    return new Result(check.addTo(json)).withPlot("outer-loss", lossPlot).withPlot("atoms", atomPlot);
  }

  /** Test accuracy and AUC of a model's test scores, with its training outer loss and its codes' density. */
  private record Scores(double accuracy, double auc, double loss, double nonzeros) {
    static Scores of(double[] testScores, Tensor yt, double loss, double nonzeros) {
      double[] labels = yt.toDoubleArray();
      return new Scores(BinaryMetrics.accuracy(testScores, labels), BinaryMetrics.auc(testScores, labels), loss, nonzeros);
    }

    void addTo(JsonObject json, String prefix) {
      json.put(prefix + "_test_accuracy", accuracy).put(prefix + "_test_auc", auc).put(prefix + "_outer_loss", loss);
      if (!Double.isNaN(nonzeros)) json.put(prefix + "_nonzeros_per_sample", nonzeros);
    }
  }

  private static int[] distinctRows(Random rng, int n, int k) {
    int[] order = IntStream.range(0, n).toArray();
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return java.util.Arrays.copyOf(order, k);
  }

  private static double mean(int[] v) {
    return java.util.Arrays.stream(v).average().orElseThrow();
  }

  /**
   * The atoms of both dictionaries as 3×10 images: the 30 features are ten measurements (radius, texture, …,
   * fractal dimension; columns) as their mean, standard error and worst value (rows).
   */
  private static Plot atomGrid(Tensor unsupervised, Tensor taskDriven, int k) {
    Plot plot = new Plot(1000, 300).title("Atoms (rows: mean, error, worst; columns: the ten measurements)")
        .imageColumns(k);
    for (int j = 0; j < k; j++) plot.image("unsupervised " + j, 3, 10, unsupervised.T().row(j).toDoubleArray());
    for (int j = 0; j < k; j++) plot.image("task-driven " + j, 3, 10, taskDriven.T().row(j).toDoubleArray());
    return plot;
  }
}

package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Experiment;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Implicit MAML (Rajeswaran et al. 2019) on few-shot sine regression ({@link SineTask}, K support and K query
 * points per task) with a 1–40–40–1 tanh network ({@link SineMlp}). Each task adapts the meta-parameters θ by
 * the proximal inner problem φ*(θ) = argmin_φ L_support(φ) + (λ/2)‖φ − θ‖² (L-BFGS from θ), and θ is
 * meta-trained by Adam on the mean query loss of B tasks per step, whose gradient
 * (I + ∇²L_support/λ)⁻¹ ∇L_query is the implicit derivative of L-BFGS's solution ({@link ProximalAdaptation}).
 * The first meta-gradient (inner solves to 1e-6) is checked against central differences of the meta-objective
 * along a random direction, at Newton-polished inner solutions.
 *
 * <p>Compared on held-out tasks, each adapted by the same inner problem: iMAML's θ, the random initial θ₀, and a
 * "pretrained" θ trained by Adam from θ₀ on the same task stream (support and query points pooled, no
 * adaptation: min_θ E L(θ; task)) for the same number of steps.
 */
public final class Imaml implements Experiment {
  private static final int PLOTTED_TASKS = 3;

  @Override
  public String name() {
    return "imaml";
  }

  @Override
  public String description() {
    return "implicit MAML on few-shot sine regression: meta-gradients through L-BFGS adaptation by CG, against pretraining";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("steps", "N", "meta-training steps (Adam), in [1, 20000] (default 600; 60 with --quick)"),
        OptionSpec.value("batch", "B", "tasks per meta-step, in [1, 100] (default 4)"),
        OptionSpec.value("shots", "K", "support and query points per task, in [2, 100] (default 10)"),
        OptionSpec.value("lambda", "L", "strength of the inner proximal term, in [0.1, 100] (default 2)"),
        OptionSpec.value("lr", "ETA", "Adam learning rate, in [1e-5, 1] (default 0.003)"),
        OptionSpec.value("test-tasks", "M", "held-out tasks, in [1, 10000] (default 100; 40 with --quick)"),
        OptionSpec.value("seed", "S", "seed of the initial network and of the tasks (default 0)"));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int steps = options.getIntInRange("steps", quick ? 60 : 600, 1, 20000);
    int batch = options.getIntInRange("batch", 4, 1, 100);
    int shots = options.getIntInRange("shots", 10, 2, 100);
    double lambda = options.getDoubleInRange("lambda", 2, 0.1, 100);
    double lr = options.getDoubleInRange("lr", 0.003, 1e-5, 1);
    int testCount = options.getIntInRange("test-tasks", quick ? 40 : 100, 1, 10000);
    long seed = options.getLong("seed", 0);
    SineMlp mlp = new SineMlp(40);
    ProximalAdaptation adaptation = new ProximalAdaptation(mlp, lambda, 1e-6, 1e-6);
    Tensor theta0 = mlp.init(new Random(seed));
    List<SineTask> test = tasks(new Random(seed + 1), testCount, shots);
    output.note(String.format(Locale.ROOT, "%d-shot sine tasks, a 1-40-40-1 tanh network (%d parameters); inner λ = %s, "
        + "L-BFGS to 1e-6 from θ; %d meta-steps of %d tasks; %d held-out tasks", shots, mlp.size(), lambda, steps, batch, testCount));

    // meta-training
    Random stream = new Random(seed + 2);
    Adam adam = new Adam(lr, theta0);
    Tensor theta = theta0;
    double[] metaLoss = new double[steps];
    DirectionalCheck check = null;
    var loop = output.progress().loop("meta", steps, "meta_loss");
    long start = System.nanoTime();
    for (int t = 0; t < steps; t++) {
      List<SineTask> tasks = tasks(stream, batch, shots);
      var vg = AD.valueAndGrad(th -> adaptation.metaLoss(tasks, th), theta);
      if (t == 0) {
        long paused = System.nanoTime();
        ProximalAdaptation values = new ProximalAdaptation(mlp, lambda, 1e-6, 1e-6); // keeps the counts to training
        check = DirectionalCheck.of(th -> Tensor.scalar(values.polishedMetaLoss(tasks, th)), theta, vg.grad(),
            new Random(seed + 3), 1e-4).report(name(), output, 1e-3);
        start += System.nanoTime() - paused;
      }
      metaLoss[t] = vg.value().item();
      theta = adam.step(vg.grad())[0];
      loop.update(t + 1, metaLoss[t]);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cgPerMetaGradient = (double) adaptation.cgIterations() / steps;
    double cgPerTask = (double) adaptation.cgIterations() / adaptation.linearSolves();
    double lbfgsPerTask = (double) adaptation.innerIterations() / adaptation.solves();

    Tensor pretrained = pretrain(mlp, theta0, new Random(seed + 2), steps, batch, shots, lr);
    Evaluation imaml = Evaluation.of(mlp, adaptation, theta, test);
    Evaluation random = Evaluation.of(mlp, adaptation, theta0, test);
    Evaluation pooled = Evaluation.of(mlp, adaptation, pretrained, test);
    Table table = new Table("θ", "query MSE without adaptation", "query MSE after adaptation", "± (std. error)",
        "support MSE after adaptation");
    imaml.addRow(table, "iMAML (" + steps + " meta-steps)");
    random.addRow(table, "random initialization");
    pooled.addRow(table, "pretrained on pooled tasks");
    output.table(table);
    output.out().printf(Locale.ROOT, "%d meta-steps in %.1f s: %.1f ms per meta-step; per meta-gradient %.1f CG iterations "
        + "(%.1f per task); %.1f L-BFGS iterations per inner solve%n", steps, seconds, 1e3 * seconds / steps,
        cgPerMetaGradient, cgPerTask, lbfgsPerTask);

    Result result = new Result(check.addTo(new JsonObject().put("steps", steps).put("batch", batch).put("shots", shots)
        .put("lambda", lambda).put("learning_rate", lr).put("seed", seed).put("test_tasks", testCount)
        .put("parameters", mlp.size()).put("meta_loss", metaLoss)
        .put("imaml_test_mse", imaml.meanAfter()).put("random_test_mse", random.meanAfter())
        .put("pretrained_test_mse", pooled.meanAfter())
        .put("imaml_test_mse_unadapted", imaml.meanBefore()).put("random_test_mse_unadapted", random.meanBefore())
        .put("pretrained_test_mse_unadapted", pooled.meanBefore())
        .put("seconds", seconds).put("ms_per_meta_step", 1e3 * seconds / steps)
        .put("cg_iterations_per_meta_gradient", cgPerMetaGradient).put("cg_iterations_per_task", cgPerTask)
        .put("lbfgs_iterations_per_inner_solve", lbfgsPerTask)));
    result = result.withPlot("meta-training", trainingPlot(metaLoss, imaml.meanAfter(), random.meanAfter(), pooled.meanAfter()));
    for (int i = 0; i < Math.min(PLOTTED_TASKS, test.size()); i++) {
      SineTask task = test.get(i);
      result = result.withPlot("task-" + (i + 1), SineTaskPlot.of(mlp, task, String.format(Locale.ROOT,
          "Held-out task %d: A = %.2f, φ = %.2f; predictions after adaptation to its %d support points", i + 1,
          task.amplitude(), task.phase(), shots))
          .prediction("iMAML θ", imaml.adapted().get(i))
          .prediction("pretrained θ", pooled.adapted().get(i))
          .prediction("random θ", random.adapted().get(i)).plot());
    }
    return result;
  }

  /** {@code n} tasks from {@code rng}. */
  static List<SineTask> tasks(Random rng, int n, int shots) {
    List<SineTask> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) tasks.add(SineTask.draw(rng, shots));
    return tasks;
  }

  /**
   * Adam from θ₀ on the pooled regression loss of the task stream, no adaptation: each step the gradient of the mean
   * over the batch of L(θ; support ∪ query).
   */
  static Tensor pretrain(SineMlp mlp, Tensor theta0, Random stream, int steps, int batch, int shots, double lr) {
    Adam adam = new Adam(lr, theta0);
    Tensor theta = theta0;
    for (int t = 0; t < steps; t++) {
      List<SineTask> tasks = tasks(stream, batch, shots);
      Tensor x = Tensor.concat(0, tasks.stream().flatMap(s -> Stream.of(s.xSupport(), s.xQuery())).toArray(Tensor[]::new));
      Tensor y = Tensor.concat(0, tasks.stream().flatMap(s -> Stream.of(s.ySupport(), s.yQuery())).toArray(Tensor[]::new));
      theta = adam.step(AD.grad(th -> mlp.mse(th, x, y), theta))[0];
    }
    return theta;
  }

  private static Plot trainingPlot(double[] metaLoss, double imamlTest, double randomTest, double pretrainedTest) {
    double[] step = IntStream.rangeClosed(1, metaLoss.length).asDoubleStream().toArray();
    int window = Math.max(1, Math.min(50, metaLoss.length / 10));
    double[] smooth = RunningMean.of(metaLoss, window);
    return new Plot(900, 500).title("iMAML meta-training: query MSE after adaptation, per meta-batch")
        .xLabel("meta-step").yLabel("query MSE").yScale(Plot.Scale.LOG)
        .add("meta-batch", step, metaLoss, Plot.Style.MARKERS)
        .line("mean of the last " + window, step, smooth)
        .horizontalLine(imamlTest, "iMAML θ (held-out tasks)")
        .horizontalLine(randomTest, "random θ (held-out tasks)")
        .horizontalLine(pretrainedTest, "pretrained θ (held-out tasks)");
  }
}

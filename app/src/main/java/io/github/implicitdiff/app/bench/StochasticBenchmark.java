package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.app.Benchmark;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.loss.Objectives;
import io.github.implicitdiff.solver.ArmijoSGD;
import io.github.implicitdiff.solver.BatchObjective;
import io.github.implicitdiff.solver.Checkpointing;
import io.github.implicitdiff.solver.Dataset;
import io.github.implicitdiff.solver.Differentiation;
import io.github.implicitdiff.solver.LBFGS;
import io.github.implicitdiff.solver.MinibatchAdam;
import io.github.implicitdiff.solver.MinibatchSolver;
import io.github.implicitdiff.solver.Optimizer;
import io.github.implicitdiff.solver.PolyakSGD;
import io.github.implicitdiff.solver.SolverResult;
import io.github.implicitdiff.solver.StochasticMinimizer;
import io.github.implicitdiff.solver.UpdateRule;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code bench stochastic}: L2-regularized logistic regression on n×d synthetic data (labels from a logistic model),
 * solved to the same full-batch error rms(∇F)/max(1, rms(w)) ≤ tol by L-BFGS and by the stochastic solvers (Armijo
 * SGD, Polyak SGD, minibatch Adam, Nesterov momentum (lr 0.5, β 0.9) and RMSProp (lr 0.05) by {@link MinibatchSolver}; batch B, step decay --decay per epoch, 200 epochs at most). Per solver: the time and iterations (L-BFGS
 * iterations, epochs) to the tolerance; the hypergradient d val_loss / dλ by implicit differentiation (time, peak
 * heap) and, for the stochastic solvers, by unrolling the same seeded run, plainly and in checkpointed segments
 * ({@link Checkpointing#growing()}) (time, peak heap); each hypergradient's
 * relative difference to L-BFGS's implicit one at tol 1e-10. One run each (the runs take seconds; a shared machine
 * varies by up to 2×).
 */
public final class StochasticBenchmark implements Benchmark {
  static final double LAMBDA = 1e-2;

  @Override
  public String name() {
    return "stochastic";
  }

  @Override
  public String description() {
    return "logistic regression: time to a full-batch error for Armijo/Polyak SGD, Adam, Nesterov and RMSProp vs L-BFGS; implicit vs unrolled hypergradient time and heap";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("size", "NxD", "training set size (default 20000x50; 2000x20 with --quick)"),
        OptionSpec.value("tol", "T", "full-batch error to reach, in [1e-8, 1e-2] (default 1e-4)"),
        OptionSpec.value("batch", "B", "minibatch size (default 200; 100 with --quick)"),
        OptionSpec.value("decay", "G", "per-epoch step decay of the stochastic solvers, in (0, 1] (default 0.9)"),
        OptionSpec.value("unrolled", "yes|no", "also unroll the stochastic runs (default yes)"));
  }

  /** The measurements of one solver. */
  record Row(String solver, int iterations, boolean converged, double error, double solveSeconds, double implicitSeconds,
      long implicitBytes, double hypergradient, Unrolled plain, Unrolled checkpointed) {}

  /** A reverse-mode unrolled hypergradient: time (solve included), peak heap, value (NaN when not measured). */
  record Unrolled(double seconds, long bytes, double hypergradient) {
    static final Unrolled NONE = new Unrolled(Double.NaN, -1, Double.NaN);
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int[][] size = ImplicitBenchmark.parseSizes(options.getString("size", quick ? "2000x20" : "20000x50"));
    int n = size[0][0], d = size[0][1];
    double tol = options.getDoubleInRange("tol", 1e-4, 1e-8, 1e-2);
    int batch = options.getIntInRange("batch", quick ? 100 : 200, 1, n);
    double decay = options.getDoubleInRange("decay", 0.9, 1e-3, 1);
    boolean unroll = !options.getString("unrolled", "yes").equals("no");
    Random rng = new Random(0);
    Tensor X = Tensor.randn(rng, n, d), Xv = Tensor.randn(rng, n / 4, d), w = Tensor.randn(rng, d).div(Math.sqrt(d) / 3);
    Tensor y = labels(rng, X, w), yv = labels(rng, Xv, w);
    Dataset data = Dataset.of(X, y);
    BatchObjective f = (v, b, th) -> Objectives.l2BinaryLogistic(v, th[0], b[0], b[1]);
    ImplicitOptions check = ImplicitOptions.defaults().withSymmetric(true).withResidualTolerance(Math.max(tol, 1e-6));
    Tensor lam = Tensor.scalar(LAMBDA), init = Tensor.zeros(d);
    LBFGS lbfgs = LBFGS.of((v, th) -> Objectives.l2BinaryLogistic(v, th[0], X, y)).withTol(tol).withImplicitOptions(check);
    double reference = AD.grad(l -> Objectives.binaryLogistic(lbfgs.withTol(1e-10).run(init, l).orThrow(), Xv, yv), lam).item();
    Map<String, Optimizer<?>> solvers = new LinkedHashMap<>();
    solvers.put("LBFGS", lbfgs);
    solvers.put("ArmijoSGD", ArmijoSGD.of(f, data).withBatchSize(batch).withStepDecay(decay).withMaxIterations(200).withTol(tol)
        .withImplicitOptions(check));
    solvers.put("PolyakSGD", PolyakSGD.of(f, data).withBatchSize(batch).withStepDecay(decay).withMaxIterations(200).withTol(tol)
        .withImplicitOptions(check));
    solvers.put("MinibatchAdam", MinibatchAdam.of(f, data).withLearningRate(0.05).withBatchSize(batch).withStepDecay(decay)
        .withMaxIterations(200).withTol(tol).withImplicitOptions(check));
    solvers.put("Nesterov", MinibatchSolver.of(f, data, UpdateRule.nesterov(0.5, 0.9)).withBatchSize(batch).withStepDecay(decay)
        .withMaxIterations(200).withTol(tol).withImplicitOptions(check));
    solvers.put("RMSProp", MinibatchSolver.of(f, data, UpdateRule.rmsProp(0.05)).withBatchSize(batch).withStepDecay(decay)
        .withMaxIterations(200).withTol(tol).withImplicitOptions(check));
    Table table = new Table("solver", "iterations", "error", "solve_s", "implicit_s", "implicit_MB", "unrolled_s", "unrolled_MB",
        "checkpointed_s", "checkpointed_MB", "rel_diff_implicit", "rel_diff_unrolled");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (var e : solvers.entrySet()) {
      Row r = measure(e.getKey(), e.getValue(), init, lam, Xv, yv, unroll && e.getValue() instanceof StochasticMinimizer<?>);
      double diff = Math.abs(r.hypergradient() - reference) / Math.abs(reference);
      double diffUnrolled = Math.abs(r.plain().hypergradient() - reference) / Math.abs(reference);
      table.row(r.solver(), r.iterations() + (r.converged() ? "" : " (not converged)"), r.error(), r.solveSeconds(),
          Double.isNaN(r.implicitSeconds()) ? "-" : r.implicitSeconds(), r.implicitBytes() < 0 ? "-" : r.implicitBytes() / 1e6,
          cell(r.plain().seconds()), cell(r.plain().bytes() / 1e6), cell(r.checkpointed().seconds()),
          cell(r.checkpointed().bytes() / 1e6),
          Double.isNaN(diff) ? "-" : diff, Double.isNaN(diffUnrolled) ? "-" : diffUnrolled);
      JsonObject row = new JsonObject().put("solver", r.solver()).put("iterations", r.iterations()).put("converged", r.converged())
          .put("error", r.error()).put("solve_s", r.solveSeconds());
      if (r.converged())
        row.put("implicit_s", r.implicitSeconds()).put("implicit_bytes", r.implicitBytes()).put("hypergradient", r.hypergradient())
            .put("rel_diff_implicit", diff);
      if (!Double.isNaN(r.plain().seconds()))
        row.put("unrolled_s", r.plain().seconds()).put("unrolled_bytes", r.plain().bytes())
            .put("hypergradient_unrolled", r.plain().hypergradient()).put("rel_diff_unrolled", diffUnrolled)
            .put("checkpointed_s", r.checkpointed().seconds()).put("checkpointed_bytes", r.checkpointed().bytes())
            .put("hypergradient_checkpointed", r.checkpointed().hypergradient());
      rows.add(row.fields());
    }
    output.table(table);
    output.note("logistic regression " + n + "x" + d + ", λ = " + LAMBDA + ", tol " + tol + " on rms(∇F)/max(1, rms(w)); iterations"
        + " = L-BFGS iterations or epochs (batch " + batch + ", step decay " + decay + "); implicit_s/unrolled_s = the solve plus"
        + " d val_loss/dλ (checkpointed: unrolled in Checkpointing.growing() segments); MB = peak heap above the baseline"
        + " (HeapMeter); rel_diff against L-BFGS's implicit hypergradient at tol 1e-10 (" + reference + ")");
    return new Result(new JsonObject().put("n", n).put("d", d).put("tol", tol).put("batch", batch).put("lambda", LAMBDA).put("decay", decay)
        .put("hypergradient_reference", reference).put("solvers", rows));
  }

  /** A table cell: "-" for a value not measured (NaN or negative). */
  private static Object cell(double v) {
    return Double.isNaN(v) || v < 0 ? "-" : v;
  }

  private static Tensor labels(Random rng, Tensor X, Tensor w) {
    double[] p = X.matmul(w).toDoubleArray(), y = new double[p.length];
    for (int i = 0; i < p.length; i++) y[i] = rng.nextDouble() < 1 / (1 + Math.exp(-p[i])) ? 1 : 0;
    return Tensor.of(y);
  }

  private static Row measure(String name, Optimizer<?> solver, Tensor init, Tensor lam, Tensor Xv, Tensor yv, boolean unroll) {
    long t0 = System.nanoTime();
    SolverResult r = solver.run(init, lam);
    double solveSeconds = (System.nanoTime() - t0) * 1e-9;
    if (!r.converged()) // no derivative to measure: the implicit layer would refuse it (residual above its tolerance)
      return new Row(name, r.iterations(), false, r.error(), solveSeconds, Double.NaN, -1, Double.NaN, Unrolled.NONE, Unrolled.NONE);
    double[] g = new double[1];
    HeapMeter.Usage implicit = HeapMeter.measure(() -> g[0] = AD.grad(l -> Objectives.binaryLogistic(solver.run(init, l).orThrow(),
        Xv, yv), lam).item());
    Unrolled plain = Unrolled.NONE, checkpointed = Unrolled.NONE;
    if (unroll) {
      StochasticMinimizer<?> u = ((StochasticMinimizer<?>) solver).withDifferentiation(Differentiation.UNROLLED);
      plain = unrolled(u, init, lam, Xv, yv);
      checkpointed = unrolled(u.withCheckpointing(Checkpointing.growing()), init, lam, Xv, yv);
    }
    return new Row(name, r.iterations(), r.converged(), r.error(), solveSeconds, implicit.seconds(), implicit.peakBytes(), g[0],
        plain, checkpointed);
  }

  private static Unrolled unrolled(Optimizer<?> u, Tensor init, Tensor lam, Tensor Xv, Tensor yv) {
    double[] g = new double[1];
    HeapMeter.Usage usage = HeapMeter.measure(() -> g[0] = AD.grad(l -> Objectives.binaryLogistic(u.run(init, l).solution(),
        Xv, yv), lam).item());
    return new Unrolled(usage.seconds(), usage.peakBytes(), g[0]);
  }
}

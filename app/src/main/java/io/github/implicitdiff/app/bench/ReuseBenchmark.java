package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.app.Benchmark;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bench reuse}: backward CG iterations of the implicit hypergradient of an L-BFGS-solved,
 * ill-conditioned logistic regression ({@link ReuseMeasurement}), (1) without and with the run's L-BFGS
 * curvature pairs as preconditioner, for several memories m, and (2) over a 10-step λ loop, cold, warm-started
 * from the previous adjoint, and warm-started plus preconditioned. Counts, not times: deterministic for a seed.
 * {@link #rows(int, int, double, double, int[])} is public so that other benchmarks can reuse the numbers.
 */
public final class ReuseBenchmark implements Benchmark {
  @Override
  public String name() {
    return "reuse";
  }

  @Override
  public String description() {
    return "backward CG iterations: L-BFGS curvature preconditioner and warm starts across a hyperparameter loop";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("size", "NxD", "training set size (default 400x80; 200x40 with --quick)"),
        OptionSpec.value("decades", "K", "spread of the feature scales in decades, in [0, 6] (default 3)"));
  }

  /** The two tables' rows: one per memory m for preconditioning, one for the warm-start loop (memory 10). */
  public record Rows(List<ReuseMeasurement.Preconditioning> preconditioning, ReuseMeasurement.WarmStart warmStart) {}

  /** The measurement on an n×d problem with the given feature-scale spread and λ. */
  public static Rows rows(int n, int d, double decades, double lambda, int[] memories) {
    ReuseMeasurement m = ReuseMeasurement.logistic(0, n, d, decades, lambda);
    List<ReuseMeasurement.Preconditioning> p = new ArrayList<>();
    for (int memory : memories) p.add(m.preconditioning(memory));
    return new Rows(p, m.warmStart(10, 1.1, 10));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int[][] size = ImplicitBenchmark.parseSizes(options.getString("size", quick ? "200x40" : "400x80"));
    double decades = options.getDoubleInRange("decades", 3, 0, 6);
    int n = size[0][0], d = size[0][1];
    double lambda = 1e-4;
    int[] memories = {5, 10, Math.max(10, d / 2), d};
    Rows rows = rows(n, d, decades, lambda, memories);
    Table pt = new Table("m", "lbfgs_iterations", "cg_plain", "cg_preconditioned", "saved", "rel_diff");
    List<Map<String, Object>> pj = new ArrayList<>();
    for (ReuseMeasurement.Preconditioning p : rows.preconditioning()) {
      double saved = 1 - (double) p.preconditionedIterations() / p.plainIterations();
      pt.row(p.memory(), p.lbfgsIterations(), p.plainIterations(), p.preconditionedIterations(), saved, p.relativeDifference());
      pj.add(new JsonObject().put("memory", p.memory()).put("lbfgs_iterations", p.lbfgsIterations())
          .put("cg_plain", p.plainIterations()).put("cg_preconditioned", p.preconditionedIterations())
          .put("hypergradient", p.hypergradient()).put("relative_difference", p.relativeDifference()).fields());
    }
    output.table(pt);
    ReuseMeasurement.WarmStart w = rows.warmStart();
    Table wt = new Table("steps", "cg_cold", "cg_warm", "cg_warm_preconditioned", "max_rel_diff");
    wt.row(w.steps(), w.coldIterations(), w.warmIterations(), w.warmPreconditionedIterations(), w.maxRelativeDifference());
    output.table(wt);
    output.note("logistic regression " + n + "x" + d + ", feature scales over " + decades + " decades, λ = " + lambda
        + "; CG to 1e-10 relative residual; loop λ_k = λ·1.1^k, k < 10, L-BFGS memory 10");
    return new Result(new JsonObject().put("n", n).put("d", d).put("decades", decades).put("lambda", lambda)
        .put("preconditioning", pj)
        .put("warm_start", new JsonObject().put("steps", w.steps()).put("cg_cold", w.coldIterations())
            .put("cg_warm", w.warmIterations()).put("cg_warm_preconditioned", w.warmPreconditionedIterations())
            .put("max_relative_difference", w.maxRelativeDifference()).fields()));
  }
}

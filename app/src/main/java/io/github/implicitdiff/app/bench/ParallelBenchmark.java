package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.app.Benchmark;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.ParallelMap;
import io.github.implicitdiff.loss.Objectives;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.LBFGS;
import io.github.implicitdiff.solver.SolverResult;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * {@code bench parallel}: B independent inner problems sharing one hyperparameter, differentiated together, on the
 * calling thread one after another against {@link ParallelMap} on worker threads. Problem b is an L2-regularized
 * multinomial logistic regression on its own data (X_b, y_b), solved by L-BFGS to 1e-9 with its implicit
 * derivative; the outer loss is Σ_b of the validation losses of W_b*(λ), and the timed quantity its gradient in
 * log λ. Medians interleaved in one run; the ratio is the parallel speedup.
 */
public final class ParallelBenchmark implements Benchmark {
  @Override
  public String name() {
    return "parallel";
  }

  @Override
  public String description() {
    return "B inner problems with a shared hyperparameter: sequential vs ParallelMap (hypergradient time, speedup)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("problems", "B", "number of inner problems, in [1, 256] (default 8)"),
        OptionSpec.value("size", "NxD", "each problem's training set (default 400x40; 100x20 with --quick); 3 classes"),
        OptionSpec.value("repetitions", "R", "timed runs of each method, in [1, 1000] (default 15; 3 with --quick)"));
  }

  /** The B problems of one run: data per problem, and the per-problem L-BFGS iterations of the last solve. */
  static final class Problems {
    final int count, d;
    final Tensor[] X, Xv;
    final int[][] y, yv;
    final AtomicIntegerArray iterations;

    Problems(long seed, int count, int n, int d) {
      this.count = count;
      this.d = d;
      Random rng = new Random(seed);
      X = new Tensor[count];
      Xv = new Tensor[count];
      y = new int[count][];
      yv = new int[count][];
      iterations = new AtomicIntegerArray(count);
      for (int b = 0; b < count; b++) {
        // each problem its own teacher and feature scale, so that the solvers need different iteration counts
        Tensor teacher = Tensor.randn(rng, d, 3).mul(1 + b % 4);
        X[b] = Tensor.randn(rng, n, d);
        Xv[b] = Tensor.randn(rng, n / 2, d);
        y[b] = X[b].matmul(teacher).add(Tensor.randn(rng, n, 3)).argmax(1);
        yv[b] = Xv[b].matmul(teacher).add(Tensor.randn(rng, n / 2, 3)).argmax(1);
      }
    }

    /** Problem b's validation loss at its solution W_b*(λ), λ = exp(in[0]) shared. */
    Tensor validationLoss(int b, Tensor logLambda) {
      Objective f = (W, th) -> Objectives.l2MulticlassLogistic(W, th[0].exp(), X[b], y[b]);
      SolverResult r = LBFGS.of(f).withTol(1e-9).run(Tensor.zeros(d, 3), logLambda);
      iterations.set(b, r.iterations());
      return Objectives.multiclassLogistic(r.orThrow(), Xv[b], yv[b]);
    }

    double sequential(Tensor logLambda) {
      return AD.grad(l -> {
        Tensor sum = Tensor.scalar(0);
        for (int b = 0; b < count; b++) sum = sum.add(validationLoss(b, l));
        return sum;
      }, logLambda).item();
    }

    double parallel(Tensor logLambda) {
      return AD.grad(l -> ParallelMap.apply(count, (b, x) -> validationLoss(b, x[0]), new Tensor[0], l).sum(), logLambda)
          .item();
    }

  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int count = options.getIntInRange("problems", 8, 1, 256);
    int reps = options.getIntInRange("repetitions", quick ? 3 : 15, 1, 1000);
    int[][] size = ImplicitBenchmark.parseSizes(options.getString("size", quick ? "100x20" : "400x40"));
    int n = size[0][0], d = size[0][1];
    Problems p = new Problems(0, count, n, d);
    Tensor logLambda = Tensor.scalar(Math.log(0.01));
    double[] g = new double[2];
    double[] t = Timing.interleavedMedians(quick ? 0.2 : 2.0, reps,
        List.of(() -> g[0] = p.sequential(logLambda), () -> g[1] = p.parallel(logLambda)));
    double diff = Math.abs(g[1] - g[0]) / Math.abs(g[0]);
    if (!(diff < 1e-10))
      throw new IllegalStateException("bench parallel: the sequential and parallel hypergradients disagree: " + g[0] + " vs " + g[1]);
    int minIt = Integer.MAX_VALUE, maxIt = 0;
    for (int b = 0; b < count; b++) {
      minIt = Math.min(minIt, p.iterations.get(b));
      maxIt = Math.max(maxIt, p.iterations.get(b));
    }
    int cores = Runtime.getRuntime().availableProcessors();
    Table table = new Table("problems", "n", "d", "sequential_s", "parallel_s", "speedup", "cores", "L-BFGS its (min-max)",
        "rel. diff");
    table.row(count, n, d, t[0], t[1], t[0] / t[1], cores, minIt + "-" + maxIt, diff);
    output.table(table);
    output.note("each problem: 3-class logistic regression with λ = exp(θ) shared, L-BFGS to 1e-9, implicit derivative (CG);"
        + " timed: d/dθ of the summed validation losses; parallel = ParallelMap on max(2, cores) worker threads, each"
        + " problem to its own convergence");
    return new Result(new JsonObject().put("problems", count).put("n", n).put("d", d).put("cores", cores)
        .put("sequential_s", t[0]).put("parallel_s", t[1]).put("speedup", t[0] / t[1])
        .put("hypergradient_sequential", g[0]).put("hypergradient_parallel", g[1]).put("relative_difference", diff)
        .put("lbfgs_iterations_min", minIt).put("lbfgs_iterations_max", maxIt));
  }
}

package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.app.Benchmark;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.Pushforward;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.loss.Objectives;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Cost of derivatives against evaluation, and the matrix-product kernel against raw OpenBLAS:
 * <ul>
 *   <li>grad_over_eval, hvp_over_eval: multinomial logistic loss f(W) = mean_i [logsumexp(X_i W) − (X_i W)_{y_i}],
 *       X n×d, W d×k; median time of AD.grad(f) and of AD.hvp(f) divided by that of f;</li>
 *   <li>linearized_hvp_over_eval: the same Hessian-vector product as one of 10 at the same W, through
 *       AD.linearize(∇f) (recorded once, then 10 pushforwards; the time of all of it over 10), as Newton-CG and
 *       AD.hessian take them;</li>
 *   <li>matmul_gflops: a float64 N×N product through Tensor.matmul (2N³ flops), against cblas_dgemm called
 *       directly on off-heap buffers in the same run with OpenBLAS's own threading on every core (the
 *       machine's best BLAS, no copies).</li>
 * </ul>
 */
public final class AutodiffBenchmark implements Benchmark {
  @Override
  public String name() {
    return "autodiff";
  }

  @Override
  public String description() {
    return "gradient and Hessian-vector cost over evaluation (multinomial logistic), matmul GFLOP/s vs raw OpenBLAS";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("n", "N", "samples (default 5000; 1000 with --quick)"),
        OptionSpec.value("d", "D", "features (default 1000; 200 with --quick)"),
        OptionSpec.value("k", "K", "classes (default 10)"),
        OptionSpec.value("matmul-size", "N", "size of the square matrix product (default 1024; 256 with --quick)"),
        OptionSpec.value("repetitions", "R", "timed runs per figure, in [1, 1000] (default 15; 5 with --quick)"));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int n = options.getIntInRange("n", quick ? 1000 : 5000, 2, 1_000_000);
    int d = options.getIntInRange("d", quick ? 200 : 1000, 1, 100_000);
    int k = options.getIntInRange("k", 10, 2, 10_000);
    int size = options.getIntInRange("matmul-size", quick ? 256 : 1024, 1, 8192);
    int reps = options.getIntInRange("repetitions", quick ? 5 : 15, 1, 1000);
    Random rng = new Random(0);
    Tensor X = Tensor.randn(rng, n, d);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = rng.nextInt(k);
    Tensor W = Tensor.randn(rng, d, k).mul(0.01), V = Tensor.randn(rng, d, k);
    TensorFunction f = w -> Objectives.multiclassLogistic(w, X, labels);
    // warm every path up first (JIT, native mirrors), then time them interleaved so that drifts of a shared
    // machine's speed hit all three alike
    for (int i = 0; i < 5; i++) {
      f.apply(W).item();
      AD.grad(f, W);
      AD.hvp(f, W, V);
      linearizedHvps(f, W, V, 10);
    }
    double[] te = new double[reps], tg = new double[reps], th = new double[reps], tl = new double[reps];
    for (int r = 0; r < reps; r++) {
      te[r] = Timing.medianSeconds(0, 1, () -> f.apply(W).item());
      tg[r] = Timing.medianSeconds(0, 1, () -> AD.grad(f, W).get(0, 0));
      th[r] = Timing.medianSeconds(0, 1, () -> AD.hvp(f, W, V).get(0, 0));
      tl[r] = Timing.medianSeconds(0, 1, () -> linearizedHvps(f, W, V, 10)) / 10;
    }
    double eval = median(te), grad = median(tg), hvp = median(th), linearized = median(tl);
    Table t = new Table("figure", "seconds", "ratio to eval");
    t.row("eval f", eval, 1.0);
    t.row("AD.grad", grad, grad / eval);
    t.row("AD.hvp", hvp, hvp / eval);
    t.row("HVP via AD.linearize(∇f), 1 of 10", linearized, linearized / eval);
    output.out().printf(java.util.Locale.ROOT, "multinomial logistic loss, n=%d d=%d k=%d%n", n, d, k);
    output.table(t);

    Tensor A = Tensor.randn(rng, size, size), B = Tensor.randn(rng, size, size);
    double flops = 2.0 * size * size * size;
    double ours = Timing.medianSeconds(3, reps, () -> A.matmul(B).get(0, 0));
    double raw = rawDgemmSeconds(A, B, size, reps);
    // a second round of each, in the other order; each figure is the better of its two medians
    ours = Math.min(ours, Timing.medianSeconds(0, reps, () -> A.matmul(B).get(0, 0)));
    raw = Math.min(raw, rawDgemmSeconds(A, B, size, reps));
    Table m = new Table("matmul " + size + "x" + size, "seconds", "GFLOP/s");
    m.row("Tensor.matmul", ours, flops / ours / 1e9);
    if (!Double.isNaN(raw)) m.row("cblas_dgemm on off-heap buffers", raw, flops / raw / 1e9);
    output.table(m);
    JsonObject json = new JsonObject()
        .put("logistic", new JsonObject().put("n", n).put("d", d).put("k", k))
        .put("eval_s", eval).put("grad_s", grad).put("hvp_s", hvp)
        .put("grad_over_eval", grad / eval).put("hvp_over_eval", hvp / eval)
        .put("linearized_hvp_s", linearized).put("linearized_hvp_over_eval", linearized / eval)
        .put("matmul_size", size).put("matmul_s", ours).put("matmul_gflops", flops / ours / 1e9);
    if (!Double.isNaN(raw)) {
      json.put("raw_dgemm_gflops", flops / raw / 1e9).put("matmul_over_raw", raw / ours);
      output.out().printf(java.util.Locale.ROOT, "Tensor.matmul reaches %.0f%% of raw OpenBLAS%n", 100 * raw / ours);
    } else {
      output.note("OpenBLAS could not be loaded: the pure-Java kernel was measured and there is no native reference");
    }
    return new Result(json);
  }

  /** {@code count} Hessian-vector products ∇²f(W)·(j V) through one recorded ∇f; returns their checksum. */
  private static double linearizedHvps(TensorFunction f, Tensor W, Tensor V, int count) {
    Pushforward hvp = AD.linearize(in -> new Tensor[] {AD.grad(f, in[0])}, W).pushforward();
    double checksum = 0;
    for (int j = 1; j <= count; j++) checksum += hvp.apply(V.mul(j))[0].get(0, 0);
    return checksum;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  }

  /**
   * Median seconds of cblas_dgemm on off-heap copies of A and B, with OpenBLAS's own threads on every core
   * (the library runs OpenBLAS single-threaded and splits products itself); NaN when OpenBLAS is not available.
   */
  static double rawDgemmSeconds(Tensor A, Tensor B, int size, int reps) {
    try (DoublePointer a = new DoublePointer(A.toDoubleArray()); DoublePointer b = new DoublePointer(B.toDoubleArray());
        DoublePointer c = new DoublePointer((long) size * size)) {
      openblas_nolapack.blas_set_num_threads(Runtime.getRuntime().availableProcessors());
      try {
        return Timing.medianSeconds(3, reps, () -> {
          openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
              openblas_nolapack.CblasNoTrans, size, size, size, 1.0, a, size, b, size, 0.0, c, size);
          return c.get(0);
        });
      } finally {
        openblas_nolapack.blas_set_num_threads(1);
      }
    } catch (Throwable e) {
      return Double.NaN;
    }
  }
}

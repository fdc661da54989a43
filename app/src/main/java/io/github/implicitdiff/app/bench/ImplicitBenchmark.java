package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.app.Benchmark;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.cli.UsageException;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.app.report.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Implicit against unrolled differentiation on the ridge hypergradient (see {@link RidgeHypergradient}), per
 * size n×d: median seconds of (a) CG solve + implicit VJP (CG, both to 1e-10), (b) K = 100 recorded
 * gradient-descent steps in reverse mode, (c) the same in forward mode, (d) the Cholesky closed form; and,
 * at the first size, the peak extra heap against K for implicit (K unrecorded steps + implicit VJP) and
 * unrolled (K recorded steps).
 */
public final class ImplicitBenchmark implements Benchmark {
  @Override
  public String name() {
    return "implicit";
  }

  @Override
  public String description() {
    return "ridge hypergradient: implicit vs unrolled (reverse, forward) vs dense, time and memory against K";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("sizes", "NxD,...", "problem sizes (default 1000x200,5000x1000; 300x60 with --quick)"),
        OptionSpec.value("repetitions", "R", "timed runs of each method, in [1, 1000] (default 15; 3 with --quick)"));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int reps = options.getIntInRange("repetitions", quick ? 3 : 15, 1, 1000);
    int[][] sizes = parseSizes(options.getString("sizes", quick ? "300x60" : "1000x200,5000x1000"));
    double lam = 0.1;
    int K = 100;
    List<Map<String, Object>> rows = new ArrayList<>();
    Table table = new Table("n", "d", "implicit_s", "implicit_alone_s", "unrolled_rev_s", "unrolled_fwd_s", "unrolled_ckpt_s", "dense_s",
        "implicit_gram_s", "unrolled/implicit", "max rel. diff", "CG its (inner+adjoint)");
    for (int[] s : sizes) {
      RidgeHypergradient p = RidgeHypergradient.random(0, s[0], s[1]);
      double[] g = new double[6];
      double[] t = Timing.interleavedMedians(quick ? 0.2 : 2.0, reps, List.of(
          () -> g[0] = p.implicitHypergradient(lam), () -> g[1] = p.unrolledReverse(lam, K),
          () -> g[2] = p.unrolledForward(lam, K), () -> g[3] = p.denseHypergradient(lam),
          () -> g[4] = p.implicitGramHypergradient(lam), () -> g[5] = p.unrolledCheckpointed(lam, K)));
      double ti = t[0], tr = t[1], tf = t[2], td = t[3], tg = t[4], tc = t[5];
      // the implicit method alone, run after run, as a timing loop of one call measures it (no other method's
      // allocations, collections or call-site profiles in between)
      double ta = Timing.medianSeconds(3, quick ? reps : 3 * reps, () -> p.implicitHypergradient(lam));
      double diff = 0;
      for (int i = 1; i < 6; i++) diff = Math.max(diff, Math.abs(g[i] - g[0]) / Math.abs(g[0]));
      if (!(diff < 1e-4))
        throw new IllegalStateException("bench implicit: the methods' hypergradients disagree: " + java.util.Arrays.toString(g));
      int[] cg = p.implicitCgIterations(lam);
      table.row(s[0], s[1], ti, ta, tr, tf, tc, td, tg, tr / ti, diff, cg[0] + "+" + cg[1]);
      JsonObject row = new JsonObject().put("n", s[0]).put("d", s[1]).put("lambda", lam).put("K", K)
          .put("implicit_s", ti).put("implicit_alone_s", ta).put("unrolled_reverse_s", tr).put("unrolled_forward_s", tf).put("unrolled_checkpointed_s", tc).put("dense_s", td).put("implicit_gram_s", tg)
          .put("unrolled_over_implicit", tr / ti)
          .put("hypergradient_implicit", g[0]).put("hypergradient_unrolled_reverse", g[1])
          .put("hypergradient_unrolled_forward", g[2]).put("hypergradient_dense", g[3])
          .put("hypergradient_implicit_gram", g[4]).put("hypergradient_unrolled_checkpointed", g[5])
          .put("cg_iterations_inner", cg[0]).put("cg_iterations_adjoint", cg[1])
          .put("x_products_cg_loops", 2 * (cg[0] + cg[1])).put("x_products_unrolled", 4 * K);
      rows.add(row.fields());
    }
    output.table(table);
    output.note("implicit_s and the other columns: the methods run in turn (A B C … A B C …), medians; implicit_alone_s:"
        + " the implicit method run " + (quick ? reps : 3 * reps) + " times in a row after them, median (what a timing loop"
        + " of that one call measures)");
    output.note("implicit_gram_s: the implicit method with the normal matrix XᵀX/n formed once (counted) and CG on it;"
        + " implicit_s and the unrolled methods are matrix-free (every product reads X)");
    output.note("unrolled runs K = " + K + " gradient-descent steps (step 1/L); its hypergradient differs from the exact one by the"
        + " truncation of those steps; unrolled_ckpt_s records them in segments of ⌈√K⌉ steps (AD.checkpoint), which the"
        + " pullback runs again");
    output.note("products with X: each CG iteration reads X twice (X v, Xᵀ u), so the implicit method's two CG loops make"
        + " 2·(inner + adjoint) products plus a few for residual checks and recordings; unrolling makes 4K = " + 4 * K
        + " (2 per step forward, 2 backward): whatever the kernel, unrolled/implicit stays near their ratio");

    // memory against K at the first size
    RidgeHypergradient p = RidgeHypergradient.random(0, sizes[0][0], sizes[0][1]);
    int[] ks = quick ? new int[] {10, 1000} : new int[] {10, 100, 1000};
    List<Map<String, Object>> memory = new ArrayList<>();
    Table mt = new Table("K", "implicit_bytes", "unrolled_bytes", "checkpointed_bytes");
    double[] kk = new double[ks.length], mi = new double[ks.length], mu = new double[ks.length], mc = new double[ks.length];
    for (int j = 0; j < ks.length; j++) {
      int k = ks[j];
      HeapMeter.Usage ui = MemoryProbe.measure(MemoryProbe.Method.IMPLICIT, p.n, p.d, k);
      HeapMeter.Usage uu = MemoryProbe.measure(MemoryProbe.Method.UNROLLED, p.n, p.d, k);
      HeapMeter.Usage uc = MemoryProbe.measure(MemoryProbe.Method.CHECKPOINTED, p.n, p.d, k);
      long bi = ui.peakBytes(), bu = uu.peakBytes(), bc = uc.peakBytes();
      mt.row(k, bi, bu, bc);
      kk[j] = k;
      mi[j] = Math.max(1, bi);
      mu[j] = Math.max(1, bu);
      mc[j] = Math.max(1, bc);
      memory.add(new JsonObject().put("K", k).put("implicit_bytes", bi).put("unrolled_bytes", bu).put("checkpointed_bytes", bc)
          .put("implicit_gc_collections", ui.collections()).put("unrolled_gc_collections", uu.collections())
          .put("checkpointed_gc_collections", uc.collections()).fields());
    }
    output.table(mt);
    output.note("memory: peak live heap above the baseline, measured after collections in a child JVM with -XX:+UseSerialGC -Xmn6m -XX:SurvivorRatio=1 (the sampled"
        + " figure when no collection happened); implicit runs K unrecorded steps then the implicit VJP (residual check as a"
        + " warning for small K); checkpointed records the K steps in segments of ⌈√K⌉ (O(√K) states)");
    Plot plot = new Plot(800, 500).title("Peak extra heap against the number of solver steps K (n×d = "
        + sizes[0][0] + "×" + sizes[0][1] + ")").xLabel("K").yLabel("bytes").xScale(Plot.Scale.LOG).yScale(Plot.Scale.LOG)
        .lineWithMarkers("implicit", kk, mi).lineWithMarkers("unrolled (reverse)", kk, mu)
        .lineWithMarkers("unrolled, checkpointed every ⌈√K⌉ steps", kk, mc);
    return new Result(new JsonObject().put("sizes", rows).put("memory_vs_K", memory)).withPlot("memory", plot);
  }

  static int[][] parseSizes(String text) {
    String[] parts = text.split(",");
    int[][] r = new int[parts.length][];
    for (int i = 0; i < parts.length; i++) {
      String[] nd = parts[i].trim().toLowerCase().split("x");
      try {
        if (nd.length != 2) throw new NumberFormatException();
        r[i] = new int[] {Integer.parseInt(nd[0]), Integer.parseInt(nd[1])};
      } catch (NumberFormatException e) {
        throw new UsageException("--sizes: '" + parts[i] + "' is not of the form NxD (for example 1000x200)");
      }
      if (r[i][0] < 2 || r[i][1] < 1 || r[i][0] > 1_000_000 || r[i][1] > 100_000)
        throw new UsageException("--sizes: " + parts[i] + " out of range (n in [2, 10^6], d in [1, 10^5])");
    }
    return r;
  }
}

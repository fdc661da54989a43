package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.app.Benchmark;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.cli.UsageException;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.implicit.ImplicitDiagnostics;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Time to solve and to differentiate, implicit against reverse-mode unrolling through the same iterations,
 * for the issue's problems: the lasso by FISTA (full and active-set-reduced implicit systems), the multiclass
 * SVM dual by mirror descent and by block coordinate descent, a QP by the interior-point method, and bounded least
 * squares by L-BFGS-B.
 * Per problem: solve_s (the solve alone), implicit_s (the solve plus the implicit derivative of the outer
 * loss), unrolled_s (the recorded run of the same iterations plus its reverse pass), the iterations, the
 * implicit VJP's linear-solve iterations and size (from the diagnostics listener), and gradient_agreement,
 * the relative difference ‖g_implicit − g_unrolled‖/‖g_unrolled‖.
 */
public final class SolversBenchmark implements Benchmark {
  private static final List<String> NAMES = List.of("lasso-proxgrad", "lasso-proxgrad-active-set", "svm-dual-mirror-descent",
      "svm-dual-bcd", "qp-interior-point", "bounded-lsq-lbfgsb");

  @Override
  public String name() {
    return "solvers";
  }

  @Override
  public String description() {
    return "lasso, multiclass SVM dual, QP, bounded least squares: solve time, implicit vs unrolled differentiation time, gradient agreement";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("problems", "NAME,...", "rows to run (default all: " + String.join(",", NAMES) + ")"),
        OptionSpec.value("repetitions", "R", "timed runs of each task, in [1, 100] (default 5; 1 with --quick)"));
  }

  /** The problems at full or quick size, by row name, built on demand (the two lasso rows share their data). */
  static Map<String, Supplier<SolverProblem>> problems(boolean quick) {
    Map<String, Supplier<SolverProblem>> p = new LinkedHashMap<>();
    Supplier<LassoProblem> lasso = memoize(quick ? () -> new LassoProblem(0, 60, 150, 6, 0.1, 1e-11)
        : () -> new LassoProblem(0, 500, 2000, 30, 0.1, 1e-10));
    p.put(NAMES.get(0), () -> lasso.get().withActiveSet(false));
    p.put(NAMES.get(1), () -> lasso.get().withActiveSet(true));
    int m = quick ? 20 : 300, features = quick ? 40 : 500, k = quick ? 3 : 5;
    p.put(NAMES.get(2), () -> new SvmDualProblem(0, m, features, k, 1.0, 1e-9, SvmDualProblem.Method.MIRROR_DESCENT));
    p.put(NAMES.get(3), () -> new SvmDualProblem(0, m, features, k, 1.0, 1e-9, SvmDualProblem.Method.BLOCK_COORDINATE_DESCENT));
    p.put(NAMES.get(4), () -> new QpProblem(0, quick ? 20 : 100, quick ? 20 : 100, 1e-10));
    p.put(NAMES.get(5), () -> new BoundedLeastSquaresProblem(0, quick ? 40 : 400, quick ? 20 : 150, 1e-10));
    return p;
  }

  private static <T> Supplier<T> memoize(Supplier<T> s) {
    Object[] cell = new Object[1];
    return () -> {
      if (cell[0] == null) cell[0] = s.get();
      @SuppressWarnings("unchecked")
      T t = (T) cell[0];
      return t;
    };
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int reps = options.getIntInRange("repetitions", quick ? 1 : 5, 1, 100);
    List<String> selected = NAMES;
    if (options.has("problems")) {
      selected = Arrays.stream(options.getString("problems", "").split(",")).map(String::trim).toList();
      for (String s : selected)
        if (!NAMES.contains(s)) throw new UsageException("--problems: unknown problem '" + s + "'; choose from " + NAMES);
    }
    Map<String, Supplier<SolverProblem>> all = problems(quick);
    Table table = new Table("problem", "iterations", "solve_s", "implicit_s", "unrolled_s", "unrolled/implicit",
        "lin. iters (size)", "gradient_agreement");
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, Measured> unrolledCache = new LinkedHashMap<>();
    for (String name : selected) {
      SolverProblem p = all.get(name).get();
      List<ImplicitDiagnostics> log = new ArrayList<>();
      p.listen(log::add);
      int iterations = p.solve();
      Timed solve = time(quick, reps, p::solve);
      Tensor gi = p.implicitGradient();
      List<ImplicitDiagnostics> linear = log.stream().filter(d -> d.linearSolution() != null).toList();
      int linearIterations = linear.stream().mapToInt(d -> d.linearSolution().iterations()).sum();
      int linearSize = linear.isEmpty() ? 0 : linear.get(0).size();
      String linearMethod = linear.isEmpty() ? "none" : linear.get(0).linearSolution().method();
      p.listen(null);
      Timed implicit = time(quick, reps, p::implicitGradient);
      int K = p.unrolledIterations(iterations);
      // the two lasso rows share data and solver, hence the unrolled run
      String unrolledKey = name.startsWith("lasso-proxgrad") ? "lasso-proxgrad" : name;
      Measured u = unrolledCache.get(unrolledKey);
      if (u == null) {
        u = measureUnrolled(p, K, quick, reps);
        unrolledCache.put(unrolledKey, u);
      }
      double agreement = gi.sub(u.gradient()).norm2() / Math.max(u.gradient().norm2(), Double.MIN_NORMAL);
      if (!Double.isFinite(agreement))
        throw new IllegalStateException("bench solvers: " + name + ": non-finite gradients, implicit " + gi + ", unrolled " + u.gradient());
      double unrolledSeconds = u.time() == null ? Double.NaN : u.time().seconds();
      double speedup = unrolledSeconds / implicit.seconds();
      output.note(String.format("%s: %d iterations, solve %.4g s, implicit %.4g s, unrolled %s, gradient agreement %.3g", name,
          iterations, solve.seconds(), implicit.seconds(), u.time() == null ? u.failure() : String.format("%.4g s", unrolledSeconds),
          agreement));
      table.row(name, iterations, solve.seconds(), implicit.seconds(), u.time() == null ? "out of memory" : unrolledSeconds,
          u.time() == null ? "-" : speedup,
          linearIterations + " " + linearMethod + " (" + linearSize + ")", agreement);
      output.note(p.describe());
      JsonObject row = new JsonObject().put("name", name).put("solve_s", solve.seconds()).put("implicit_s", implicit.seconds());
      if (u.time() != null) row.put("unrolled_s", unrolledSeconds).put("unrolled_over_implicit", speedup);
      else row.put("unrolled_failure", u.failure());
      row.put("iterations", iterations).put("unrolled_iterations", K).put("gradient_agreement", agreement)
          .put("gradient_agreement_reference", u.reference())
          .put("timed_runs", new JsonObject().put("solve", solve.runs()).put("implicit", implicit.runs())
              .put("unrolled", u.time() == null ? 0 : u.time().runs()))
          .put("linear_solve_iterations", linearIterations).put("linear_solve_size", linearSize).put("linear_solver", linearMethod)
          .put("gradient_implicit", gi.toDoubleArray()).put("gradient_unrolled", u.gradient().toDoubleArray());
      rows.add(row.fields());
    }
    output.table(table);
    output.note("implicit_s = the solve plus the implicit derivative (one VJP); unrolled_s = the recorded run of the same number"
        + " of iterations plus its reverse pass; medians of " + reps + " runs after a warm-up (a task slower than " + SLOW_SECONDS
        + " s: its one run); gradient_agreement = ‖g_implicit − g_unrolled‖ /"
        + " ‖g_unrolled‖ (limited by how far the K-step iterate is from x*)");
    return new Result(new JsonObject().put("quick", quick).put("problems", rows));
  }

  /**
   * The unrolled gradient and its time (null when the tape did not fit in the heap: {@code failure} says so and the
   * gradient is then forward-mode unrolled, {@code reference} naming which).
   */
  private record Measured(Tensor gradient, Timed time, String failure, String reference) {}

  /**
   * Reverse-mode unrolled gradient and time; if its tape exhausts the heap (block coordinate descent records every
   * block step), the forward-mode unrolled gradient, which keeps no tape, serves as the agreement reference.
   */
  private static Measured measureUnrolled(SolverProblem p, int K, boolean quick, int reps) {
    Tensor[] gu = new Tensor[1];
    try {
      Timed t = time(quick, reps, () -> gu[0] = p.unrolledGradient(K));
      return new Measured(gu[0], t, null, "unrolled reverse mode");
    } catch (OutOfMemoryError e) {
      gu[0] = null; // the tape is unreachable once the stack has unwound
      String failure = "reverse-mode tape of " + K + " iterations exceeded the heap (-Xmx " + Runtime.getRuntime().maxMemory() / (1 << 20)
          + " MB)";
      Tensor forward = p.unrolledForwardGradient(K).orElseThrow(() -> new IllegalStateException("bench solvers: " + p.name()
          + ": " + failure + " and the problem has no forward-mode reference; run with a larger heap (IMPLICITDIFF_JAVA_OPTS=-Xmx…)"));
      return new Measured(forward, null, failure, "unrolled forward mode");
    }
  }

  /** A median time and the number of runs it is the median of. */
  private record Timed(double seconds, int runs) {}

  /** A task slower than this on its first (warm-up) run is timed by that run alone. */
  private static final double SLOW_SECONDS = 20;

  /**
   * --quick: one run. Otherwise one warm-up run, then the median of {@code reps} runs, unless the warm-up took longer
   * than {@link #SLOW_SECONDS} (the JIT's share is then negligible), in which case it is the measurement.
   */
  private static Timed time(boolean quick, int reps, Supplier<?> task) {
    if (quick) return new Timed(Timing.medianSeconds(0, 1, task), 1);
    double first = Timing.medianSeconds(0, 1, task);
    if (first > SLOW_SECONDS) return new Timed(first, 1);
    return new Timed(Timing.medianSeconds(0, reps, task), reps);
  }
}

package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * The task-driven gradient ∇L(D̃, w, b) at one point through the two implicit systems of the coding problem:
 * the active-set-reduced one ({@link SparseCoding}'s (3), |S| unknowns, CG) and the full fixed-point one (its (2),
 * nk unknowns, GMRES). Each is timed as the median of {@value #REPEATS} gradients after one untimed call, so
 * the solve is warm-started at the solution and the time is mostly the differentiation.
 *
 * @param reducedMillis median milliseconds per gradient with the reduced system
 * @param fullMillis the same with the full system
 * @param relativeDifference ‖∇_reduced − ∇_full‖ / ‖∇_full‖ over (D̃, w, b)
 */
record SystemTiming(double reducedMillis, double fullMillis, double relativeDifference) {
  private static final int REPEATS = 3;

  /** Times the gradient of {@code loss} (reduced system) and of the same loss on {@code full} at {@code params}. */
  static SystemTiming measure(TaskDrivenLoss loss, SparseCoding full, Tensor[] params) {
    Tensor[] reduced = gradient(loss, params);
    double reducedMillis = medianMillis(loss, params);
    TaskDrivenLoss fullLoss = loss.with(full);
    Tensor[] g = gradient(fullLoss, params);
    double fullMillis = medianMillis(fullLoss, params);
    double diff = 0, norm = 0;
    for (int i = 0; i < g.length; i++) {
      diff += reduced[i].sub(g[i]).square().sum().item();
      norm += g[i].square().sum().item();
    }
    return new SystemTiming(reducedMillis, fullMillis, Math.sqrt(diff / norm));
  }

  private static Tensor[] gradient(TaskDrivenLoss loss, Tensor[] params) {
    return AD.valueAndGradAll(loss, params).grads();
  }

  private static double medianMillis(TaskDrivenLoss loss, Tensor[] params) {
    double[] ms = new double[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
      long t0 = System.nanoTime();
      gradient(loss, params);
      ms[r] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms[REPEATS / 2];
  }

  void report(Output output) {
    Table t = new Table("implicit system of the codes", "ms per gradient (warm solve + adjoint)");
    t.row("active-set reduced (nonzero codes, CG)", reducedMillis);
    t.row("full fixed point (all n·k codes, GMRES)", fullMillis);
    output.table(t);
    output.out().printf(java.util.Locale.ROOT, "the two gradients agree to %.2g (relative)%n", relativeDifference);
  }

  JsonObject addTo(JsonObject json) {
    return json.put("gradient_ms_active_set", reducedMillis).put("gradient_ms_full_system", fullMillis)
        .put("active_set_vs_full_relative_difference", relativeDifference);
  }
}

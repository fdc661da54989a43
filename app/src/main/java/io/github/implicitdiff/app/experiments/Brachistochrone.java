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
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The brachistochrone through an endpoint P (y downward): the cycloid x = R(t − sin t),
 * y = R(1 − cos t) reaches P at the root (R, t_P) of F(R, t; P) = (R(t − sin t) − P_x, R(1 − cos t) − P_y);
 * the descent time is T = t_P √(R/g). Derivatives of (R, t_P, T) with respect to P come from the implicit
 * function theorem; then gradient descent through the layer moves P_x so that T reaches a target time.
 */
public final class Brachistochrone implements Experiment {
  static final double G = 9.8;

  /** F(z; P) with z = (R, t). */
  public static final Optimality F = (z, th) -> {
    Tensor R = z.index(0, 0), t = z.index(0, 1), P = th[0];
    return Tensor.stack(0, R.mul(t.sub(t.sin())).sub(P.index(0, 0)), R.mul(t.cos().rsub(1.0)).sub(P.index(0, 1)));
  };

  /**
   * The root for concrete P: bisection on the ratio (1 − cos t)/(t − sin t) = P_y/P_x, decreasing on
   * (0, 2π), to machine precision; then R = P_y / (1 − cos t).
   */
  public static Tensor solve(Tensor P) {
    double px = P.get(0), py = P.get(1), target = py / px;
    double lo = 1e-9, hi = 2 * Math.PI - 1e-12;
    for (int k = 0; k < 200 && hi - lo > 1e-15; k++) {
      double mid = 0.5 * (lo + hi);
      if ((1 - Math.cos(mid)) / (mid - Math.sin(mid)) > target) lo = mid;
      else hi = mid;
    }
    double t = 0.5 * (lo + hi);
    return Tensor.of(py / (1 - Math.cos(t)), t);
  }

  /** P ↦ (R, t_P), differentiable. */
  public static final MultiInputFunction ROOT = Implicit.customRoot(F, th -> solve(th[0]), LinearSolvers.gmres());

  /** Descent time T = t √(R/g) along the cycloid through P. */
  public static Tensor time(Tensor P) {
    Tensor z = ROOT.apply(P);
    return z.index(0, 1).mul(z.index(0, 0).div(G).sqrt());
  }

  @Override
  public String name() {
    return "brachistochrone";
  }

  @Override
  public String description() {
    return "cycloid through an endpoint: (R, t_P, T) and their derivatives by implicit differentiation";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("px", "X", "endpoint x, > 0 (default π)"),
        OptionSpec.value("py", "Y", "endpoint depth y (downward), > 0 (default 2)"),
        OptionSpec.value("target-time", "T", "descent time the fit aims for by moving P_x, > 0 (default 1.25 × T(P))"),
        OptionSpec.value("steps", "N", "gradient-descent steps of the fit, in [1, 10000] (default 60; 20 with --quick)"));
  }

  @Override
  public Result run(Options options, Output output) {
    double px = options.getPositiveDouble("px", Math.PI), py = options.getPositiveDouble("py", 2.0);
    Tensor P = Tensor.of(px, py);
    Tensor z = ROOT.apply(P);
    double R = z.get(0), tP = z.get(1);
    Tensor J = AD.jacobian(p -> ROOT.apply(p), P, AD.Mode.FORWARD); // rows (R, t), columns (P_x, P_y)
    Tensor dT = AD.grad(Brachistochrone::time, P);
    double T = time(P).item();
    output.out().printf(java.util.Locale.ROOT, "endpoint P = (%.6g, %.6g), g = %.1f%n", px, py, G);
    Table table = new Table("quantity", "value", "d/dPx", "d/dPy");
    table.row("R", R, J.get(0, 0), J.get(0, 1));
    table.row("t_P", tP, J.get(1, 0), J.get(1, 1));
    table.row("T", T, dT.get(0), dT.get(1));
    output.table(table);

    // Fit: move P_x so that the descent time reaches the target, by gradient descent through the layer.
    double target = options.getPositiveDouble("target-time", 1.25 * T);
    int steps = options.getIntInRange("steps", options.has("quick") ? 20 : 60, 1, 10_000);
    List<double[]> path = new ArrayList<>();
    double x = px;
    var loop = output.progress().loop("fit", steps, "P_x", "T");
    for (int k = 0; k < steps; k++) {
      final double py0 = py;
      var vg = AD.valueAndGrad(xx -> time(Tensor.stack(0, xx, Tensor.scalar(py0))).sub(target).square().mul(0.5),
          Tensor.scalar(x));
      double t = time(Tensor.of(x, py)).item();
      path.add(new double[] {x, t});
      loop.update(k + 1, x, t);
      double g = vg.grad().item();
      // Newton-like step on ½(T − T*)²: dx = −(T − T*) / T'(x), damped to stay in x > 0
      double dTdx = AD.grad(xx -> time(Tensor.stack(0, xx, Tensor.scalar(py0))), Tensor.scalar(x)).item();
      double step = -g / (dTdx * dTdx);
      x = Math.max(0.05 * x, Math.min(x + step, 10 * x + 1));
    }
    double fitted = time(Tensor.of(x, py)).item();
    output.out().printf(java.util.Locale.ROOT, "fit: P_x = %.6g gives T = %.6g (target %.6g) after %d steps%n", x, fitted, target, steps);
    if (Math.abs(fitted - target) > 1e-6 * target && steps >= 20)
      output.note("fit did not reach the target time to 1e-6 (|T − T*| = " + Math.abs(fitted - target) + ")");

    Plot curves = new Plot(900, 520).title("Brachistochrones (y downward, plotted as −y)").xLabel("x").yLabel("−y");
    addCycloid(curves, "through P = (" + fmt(px) + ", " + fmt(py) + ")", R, tP);
    Tensor zf = ROOT.apply(Tensor.of(x, py));
    addCycloid(curves, "fitted P_x = " + fmt(x) + " (T = " + fmt(fitted) + ")", zf.get(0), zf.get(1));
    double[] xs = new double[60], ts = new double[60];
    double lo = Math.min(px, x) * 0.5, hi = Math.max(px, x) * 1.5;
    for (int i = 0; i < 60; i++) {
      xs[i] = lo + (hi - lo) * i / 59;
      ts[i] = time(Tensor.of(xs[i], py)).item();
    }
    Plot tradeOff = new Plot(900, 520).title("Descent time against the endpoint's x (P_y = " + fmt(py) + ")")
        .xLabel("P_x").yLabel("T (s)").line("T(P_x)", xs, ts)
        .scatter("gradient-descent path", path.stream().mapToDouble(p -> p[0]).toArray(),
            path.stream().mapToDouble(p -> p[1]).toArray())
        .horizontalLine(target, "target T*");
    if (!(R > 0) || !Double.isFinite(T)) throw new IllegalStateException("brachistochrone: no valid cycloid through P");
    JsonObject json = new JsonObject().put("Px", px).put("Py", py).put("g", G)
        .put("tP", tP).put("R", R).put("T", T)
        .put("dR_dPx", J.get(0, 0)).put("dR_dPy", J.get(0, 1))
        .put("dt_dPx", J.get(1, 0)).put("dt_dPy", J.get(1, 1))
        .put("dT_dPx", dT.get(0)).put("dT_dPy", dT.get(1))
        .put("fit", new JsonObject().put("target_time", target).put("Px", x).put("T", fitted).put("steps", steps));
    return new Result(json).withPlot("curves", curves).withPlot("tradeoff", tradeOff);
  }

  private static void addCycloid(Plot plot, String label, double R, double tP) {
    int m = 200;
    double[] x = new double[m], y = new double[m];
    for (int i = 0; i < m; i++) {
      double t = tP * i / (m - 1);
      x[i] = R * (t - Math.sin(t));
      y[i] = -R * (1 - Math.cos(t));
    }
    plot.line(label, x, y);
  }

  private static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.4g", v);
  }
}

package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Experiment;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.bench.RidgeHypergradient;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.data.CsvData;
import io.github.implicitdiff.app.data.Datasets;
import io.github.implicitdiff.app.data.Standardizer;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.JacobianErrorEstimate;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.Cholesky;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;

/**
 * The paper's Theorem 1 figure. Ridge (standardized diabetes) solved by gradient descent x_{t+1} = x_t − η F(x_t, λ);
 * at each iterate, the error of the implicit Jacobian J(x_t) = −∂₁F(x_t)⁻¹∂₂F(x_t) and of the unrolled
 * Jacobian ∂x_t/∂λ against the closed form ∂x* / ∂λ = −(XᵀX/n + λI)⁻¹x*, against ‖x_t − x*‖, with the
 * bound (β/α + γR/α²)‖x_t − x*‖ estimated by {@link JacobianErrorEstimate}.
 */
public final class JacobianPrecision implements Experiment {
  @Override
  public String name() {
    return "jacobian-precision";
  }

  @Override
  public String description() {
    return "Theorem 1: implicit vs unrolled Jacobian error along gradient descent, with the error bound";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("lambda", "L", "ridge strength, > 0 (default 0.1)"),
        OptionSpec.value("iterations", "T", "gradient-descent iterations, in [2, 100000] (default 400; 150 with --quick)"));
  }

  @Override
  public Result run(Options options, Output output) {
    double lambda = options.getPositiveDouble("lambda", 0.1);
    int T = options.getIntInRange("iterations", options.has("quick") ? 150 : 400, 2, 100_000);
    CsvData data = Datasets.load("diabetes");
    Standardizer s = Standardizer.fit(data);
    data = s.apply(data);
    output.note(s.describe());
    Tensor y = data.y().sub(data.y().mean());
    output.note("target centred by its mean (no intercept); all 442 rows used for training");
    RidgeHypergradient p = RidgeHypergradient.of(data.X(), y, data.X(), y);
    Optimality F = p.stationarity();
    int d = p.d;
    Tensor A = p.X.T().matmul(p.X).div(p.n).add(Tensor.eye(d).mul(lambda));
    Cholesky chol = Cholesky.factor(A);
    Tensor xStar = chol.solve(p.X.T().matmul(y).div(p.n));
    Tensor exact = chol.solve(xStar).neg();
    // all iterates and their tangents ∂x_t/∂λ in one forward-mode pass
    Tensor lam = Tensor.scalar(lambda);
    var run = AD.jvp(l -> {
      Tensor[] xs = new Tensor[T];
      Tensor x = Tensor.zeros(d);
      double eta = 1.0 / (p.lipschitz0 + lambda);
      for (int t = 0; t < T; t++) {
        x = x.sub(F.apply(x, l).mul(eta));
        xs[t] = x;
      }
      return Tensor.stack(0, xs);
    }, lam, Tensor.scalar(1.0));
    Tensor iterates = run.out(), tangents = run.outTangent();
    double[] dist = new double[T], errImplicit = new double[T], errUnrolled = new double[T], bound = new double[T];
    Table table = new Table("t", "||x_t - x*||", "implicit error", "unrolled error", "bound");
    var loop = output.progress().loop("iterate", T);
    for (int t = 0; t < T; t++) {
      Tensor xt = iterates.index(0, t);
      dist[t] = xt.sub(xStar).norm2();
      JacobianErrorEstimate e = JacobianErrorEstimate.at(F, xt, lam, LinearSolvers.lu());
      errImplicit[t] = e.jacobian().reshape(-1).sub(exact).norm2();
      errUnrolled[t] = tangents.index(0, t).sub(exact).norm2();
      bound[t] = e.bound();
      if (errImplicit[t] > bound[t] * (1 + 1e-6) + 1e-13)
        throw new IllegalStateException("jacobian-precision: implicit error " + errImplicit[t] + " exceeds the bound "
            + bound[t] + " at iteration " + t);
      if (t == 0 || (t + 1) % Math.max(1, T / 8) == 0) table.row(t + 1, dist[t], errImplicit[t], errUnrolled[t], bound[t]);
      loop.update(t + 1);
    }
    output.table(table);
    output.out().printf(java.util.Locale.ROOT, "final: ||x_T - x*|| = %.3g, implicit Jacobian error %.3g, unrolled %.3g%n",
        dist[T - 1], errImplicit[T - 1], errUnrolled[T - 1]);
    Plot plot = new Plot(900, 560).title("Jacobian error against distance to the solution (ridge, diabetes)")
        .xLabel("||x_t - x*||").yLabel("||J - dx*/dλ||").xScale(Plot.Scale.LOG).yScale(Plot.Scale.LOG)
        .scatter("implicit J(x_t)", dist, clip(errImplicit)).scatter("unrolled dx_t/dλ", dist, clip(errUnrolled))
        .line("Theorem 1 bound", dist, clip(bound));
    JsonObject json = new JsonObject().put("lambda", lambda).put("iterations", T).put("distance", dist)
        .put("implicit_error", errImplicit).put("unrolled_error", errUnrolled).put("bound", bound)
        .put("bound_holds", true);
    return new Result(json).withPlot("precision", plot);
  }

  private static double[] clip(double[] v) {
    double[] r = v.clone();
    for (int i = 0; i < r.length; i++) r[i] = Math.max(r[i], 1e-18);
    return r;
  }
}

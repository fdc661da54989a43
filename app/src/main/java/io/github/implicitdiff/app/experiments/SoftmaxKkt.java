package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Experiment;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.cli.UsageException;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiFunction;
import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.TupleOptimality;
import io.github.implicitdiff.implicit.TupleRootSolver;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;

/**
 * Softmax as the solution of max_x xᵀθ + H(x) on the simplex (H the entropy), differentiated through its
 * KKT conditions in the unknowns (x, ν, μ):
 * stationarity θ − log x − 1 − ν + μ = 0, primal feasibility Σx − 1 = 0, complementary slackness μ ⊙ x = 0.
 * The solver never uses the softmax formula: Newton's method on the dual equation Σ exp(θ − 1 − ν) = 1.
 * The Jacobian of x* must equal diag(p) − ppᵀ.
 */
public final class SoftmaxKkt implements Experiment {
  /** The KKT residuals. */
  public static final TupleOptimality KKT = (z, th) -> {
    Tensor x = z[0], nu = z[1], mu = z[2];
    return new Tensor[] {
        th[0].sub(x.log()).sub(1.0).sub(nu).add(mu), x.sum().sub(1.0).reshape(1), mu.mul(x)};
  };

  /** Newton on φ(ν) = Σ exp(θ_i − 1 − ν) − 1 (decreasing, convex) from ν = max θ − 1; then x, μ = 0. */
  public static final TupleRootSolver SOLVER = th -> {
    double[] theta = th[0].toDoubleArray();
    double nu = java.util.Arrays.stream(theta).max().orElseThrow() - 1;
    for (int k = 0; k < 100; k++) {
      double s = 0;
      for (double v : theta) s += Math.exp(v - 1 - nu);
      double step = (s - 1) / s; // φ/(−φ') with φ' = −s
      nu += step;
      if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(nu))) {
        double[] x = new double[theta.length];
        for (int i = 0; i < x.length; i++) x[i] = Math.exp(theta[i] - 1 - nu);
        return new Tensor[] {Tensor.of(x), Tensor.of(nu), Tensor.zeros(x.length)};
      }
    }
    throw new NotConvergedException("softmax-kkt: Newton on the dual did not converge in 100 iterations");
  };

  public static final MultiFunction SOFTMAX = Implicit.customRoot(KKT, SOLVER, LinearSolvers.gmres());

  @Override
  public String name() {
    return "softmax-kkt";
  }

  @Override
  public String description() {
    return "softmax as an entropy-regularized LP: Jacobian through the KKT conditions vs diag(p) - pp^T";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(OptionSpec.value("theta", "T1,T2,...", "scores, at least 2 (default 0.5,-1,2)"));
  }

  @Override
  public Result run(Options options, Output output) {
    double[] theta = options.getDoubleList("theta", 0.5, -1, 2);
    if (theta.length < 2) throw new UsageException("--theta needs at least 2 values, got " + theta.length);
    for (double v : theta) if (!Double.isFinite(v)) throw new UsageException("--theta values must be finite, got " + v);
    Tensor th = Tensor.of(theta);
    Tensor p = SOFTMAX.apply(th)[0];
    Tensor J = AD.jacobian(t -> SOFTMAX.apply(t)[0], th, AD.Mode.REVERSE);
    Tensor Jf = AD.jacobian(t -> SOFTMAX.apply(t)[0], th, AD.Mode.FORWARD);
    Tensor closed = Tensor.eye(theta.length).mul(p).sub(p.outer(p));
    double err = J.sub(closed).maxAbs(), errF = Jf.sub(closed).maxAbs();
    double errP = p.sub(th.softmax(0)).maxAbs();
    Table table = new Table("i", "theta_i", "p_i (KKT)", "J_ii", "closed form p_i(1-p_i)");
    for (int i = 0; i < theta.length; i++) table.row(i, theta[i], p.get(i), J.get(i, i), closed.get(i, i));
    output.table(table);
    output.out().printf(java.util.Locale.ROOT, "max |J - (diag(p) - pp^T)|: reverse mode %.3g, forward mode %.3g; max |p - softmax| %.3g%n",
        err, errF, errP);
    double[] idx = new double[theta.length];
    for (int i = 0; i < idx.length; i++) idx[i] = i;
    Plot plot = new Plot(700, 450).title("softmax by KKT: solution and Jacobian diagonal").xLabel("index i")
        .yLabel("value").lineWithMarkers("p_i", idx, p.toDoubleArray())
        .lineWithMarkers("J_ii (implicit)", idx, diag(J)).scatter("p_i(1 - p_i) closed form", idx, diag(closed));
    JsonObject json = new JsonObject().put("theta", theta).put("p", p.toDoubleArray()).put("jacobian", J.toArray2d())
        .put("jacobian_forward", Jf.toArray2d())
        .put("max_abs_error_vs_closed_form", Math.max(err, errF)).put("max_abs_error_p_vs_softmax", errP);
    return new Result(json).withPlot("jacobian", plot);
  }

  private static double[] diag(Tensor m) {
    double[] d = new double[m.dim(0)];
    for (int i = 0; i < d.length; i++) d[i] = m.get(i, i);
    return d;
  }
}

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
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;

/**
 * Smoke test of the whole path: f(x) = Σ sin(x_i)·x_i, its gradient ∇f_i = sin(x_i) + x_i cos(x_i) by
 * {@code AD.grad} and by central differences (f(x + h e_i) − f(x − h e_i)) / 2h, a table, JSON, and a
 * plot of f along the gradient direction with its first-order Taylor line.
 * <pre>{@code
 * implicitdiff run hello-grad --x 1,2,3 --json out/hello.json
 * }</pre>
 */
public final class HelloGrad implements Experiment {
  static final TensorFunction F = x -> x.sin().mul(x).sum();

  @Override
  public String name() {
    return "hello-grad";
  }

  @Override
  public String description() {
    return "gradient of f(x) = sum sin(x_i) x_i by AD against central differences (smoke test)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("x", "X1,X2,...", "the point (default 1,2,3)"),
        OptionSpec.value("step", "H", "finite-difference step, in (0, 0.1] (default 1e-5)"),
        OptionSpec.value("points", "N", "points of the plotted line, in [3, 100000] (default 201; 41 with --quick)"));
  }

  @Override
  public Result run(Options options, Output output) {
    double[] xValues = options.getDoubleList("x", 1, 2, 3);
    double h = Options.checkInRange("step", options.getPositiveDouble("step", 1e-5), 0, 0.1);
    int points = options.getIntInRange("points", options.has("quick") ? 41 : 201, 3, 100_000);
    Tensor x = Tensor.of(xValues);

    double f = F.apply(x).item();
    double[] grad = AD.grad(F, x).toDoubleArray();
    double[] gradFd = new double[xValues.length];
    double maxAbsError = 0;
    Table table = new Table("i", "x_i", "grad (AD)", "grad (FD)", "|AD - FD|");
    for (int i = 0; i < xValues.length; i++) {
      double[] plus = xValues.clone();
      double[] minus = xValues.clone();
      plus[i] += h;
      minus[i] -= h;
      gradFd[i] = (F.apply(Tensor.of(plus)).item() - F.apply(Tensor.of(minus)).item()) / (2 * h);
      double error = Math.abs(grad[i] - gradFd[i]);
      maxAbsError = Math.max(maxAbsError, error);
      table.row(i, xValues[i], grad[i], gradFd[i], error);
    }
    output.out().printf(java.util.Locale.ROOT, "f(x) = %.10g at x = %s%n", f, x);
    output.table(table);
    output.out().printf(java.util.Locale.ROOT, "max |AD - FD| = %.3g (step %.3g)%n", maxAbsError, h);

    // f along the unit gradient direction d: g(t) = f(x + t d), with the tangent f(x) + t ‖∇f‖
    double gradNorm = Tensor.of(grad).norm2();
    Tensor direction = gradNorm > 0 ? Tensor.of(grad).div(gradNorm) : Tensor.zerosLike(x);
    double[] t = Tensor.linspace(-2, 2, points).toDoubleArray();
    double[] along = new double[points];
    double[] tangent = new double[points];
    for (int k = 0; k < points; k++) {
      along[k] = F.apply(x.add(direction.mul(t[k]))).item();
      tangent[k] = f + t[k] * gradNorm;
    }
    Plot plot = new Plot(800, 500)
        .title("f along the gradient direction from x")
        .xLabel("t  (point x + t·∇f/‖∇f‖)")
        .yLabel("f")
        .line("f(x + t d)", t, along)
        .line("tangent f(x) + t‖∇f‖", t, tangent)
        .verticalLine(0, "x");

    double scale = 1 + Math.abs(f) + gradNorm;
    if (!(maxAbsError <= 1e-5 * scale * Math.max(1, 1e-5 / h))) {
      throw new IllegalStateException("AD and finite-difference gradients disagree: max |AD - FD| = "
          + maxAbsError + " at step " + h);
    }
    JsonObject json = new JsonObject()
        .put("x", xValues)
        .put("f", f)
        .put("grad", grad)
        .put("grad_fd", gradFd)
        .put("fd_step", h)
        .put("max_abs_error", maxAbsError);
    return new Result(json).withPlot("line", plot);
  }
}

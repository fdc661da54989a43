package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Benchmark;
import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.Result;
import io.github.implicitdiff.app.bench.HeapMeter;
import io.github.implicitdiff.app.bench.Timing;
import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.cli.UsageException;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * Cost of reverse-mode AD against plain evaluation for f(x) = Σ sin(x_i)·x_i, per vector size n:
 * median seconds of f and of AD.grad(f), their ratio, and the gradient's peak extra heap.
 * <pre>{@code
 * implicitdiff bench grad-timing --sizes 1000,100000 --json out/grad-timing.json
 * }</pre>
 */
public final class GradTimingBenchmark implements Benchmark {
  @Override
  public String name() {
    return "grad-timing";
  }

  @Override
  public String description() {
    return "time of AD.grad against plain evaluation of sum sin(x_i) x_i, by size";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("sizes", "N1,N2,...", "vector sizes, integers in [1, 10^7] (default 1000,10000,100000;"
            + " 100,1000 with --quick)"),
        OptionSpec.value("repetitions", "R", "timed runs per size, in [1, 1000] (default 10; 3 with --quick)"));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    double[] sizeValues = options.getDoubleList("sizes", quick ? new double[] {100, 1000}
        : new double[] {1000, 10000, 100000});
    int repetitions = options.getIntInRange("repetitions", quick ? 3 : 10, 1, 1000);
    int[] sizes = new int[sizeValues.length];
    for (int k = 0; k < sizes.length; k++) {
      if (sizeValues[k] != Math.rint(sizeValues[k]) || sizeValues[k] < 1 || sizeValues[k] > 1e7) {
        throw new UsageException("--sizes must be integers in [1, 10000000], got " + sizeValues[k]);
      }
      sizes[k] = (int) sizeValues[k];
    }
    double[] evalSeconds = new double[sizes.length];
    double[] gradSeconds = new double[sizes.length];
    double[] ratio = new double[sizes.length];
    double[] peakSampledMb = new double[sizes.length];
    double[] xs = new double[sizes.length];
    Table table = new Table("n", "eval (s)", "grad (s)", "grad / eval", "grad heap (MB, sampled)");
    var loop = output.progress().loop("size", sizes.length, "grad_seconds");
    for (int k = 0; k < sizes.length; k++) {
      Tensor x = Tensor.randn(new Random(k), sizes[k]);
      evalSeconds[k] = Timing.medianSeconds(2, repetitions, () -> HelloGrad.F.apply(x));
      gradSeconds[k] = Timing.medianSeconds(2, repetitions, () -> AD.grad(HelloGrad.F, x));
      ratio[k] = gradSeconds[k] / evalSeconds[k];
      HeapMeter.Usage heap = HeapMeter.measure(() -> AD.grad(HelloGrad.F, x));
      peakSampledMb[k] = heap.peakSampledBytes() / 1e6;
      xs[k] = sizes[k];
      table.row(sizes[k], evalSeconds[k], gradSeconds[k], ratio[k], peakSampledMb[k]);
      loop.update(k + 1, gradSeconds[k]);
    }
    output.table(table.significantDigits(3));
    Plot plot = new Plot().title("AD.grad against evaluation").xLabel("n").yLabel("median seconds")
        .xScale(Plot.Scale.LOG).yScale(Plot.Scale.LOG)
        .lineWithMarkers("f(x)", xs, evalSeconds)
        .lineWithMarkers("AD.grad(f)(x)", xs, gradSeconds);
    JsonObject json = new JsonObject()
        .put("sizes", sizes)
        .put("repetitions", repetitions)
        .put("eval_seconds", evalSeconds)
        .put("grad_seconds", gradSeconds)
        .put("grad_over_eval", ratio)
        .put("grad_peak_sampled_mb", peakSampledMb);
    return new Result(json).withPlot("time", plot);
  }
}

package io.github.implicitdiff.app;

import io.github.implicitdiff.app.experiments.GradTimingBenchmark;
import io.github.implicitdiff.app.bench.AutodiffBenchmark;
import io.github.implicitdiff.app.bench.ImplicitBenchmark;
import io.github.implicitdiff.app.bench.ParallelBenchmark;
import io.github.implicitdiff.app.bench.ReuseBenchmark;
import io.github.implicitdiff.app.bench.SolversBenchmark;
import io.github.implicitdiff.app.bench.StochasticBenchmark;
import io.github.implicitdiff.app.experiments.Brachistochrone;
import io.github.implicitdiff.app.experiments.Dictionary;
import io.github.implicitdiff.app.experiments.Deq;
import io.github.implicitdiff.app.experiments.Distillation;
import io.github.implicitdiff.app.experiments.HelloGrad;
import io.github.implicitdiff.app.experiments.Imaml;
import io.github.implicitdiff.app.experiments.JacobianPrecision;
import io.github.implicitdiff.app.experiments.LassoHyper;
import io.github.implicitdiff.app.experiments.LogregHyper;
import io.github.implicitdiff.app.experiments.MdSensitivity;
import io.github.implicitdiff.app.experiments.OptNet;
import io.github.implicitdiff.app.experiments.Ridge;
import io.github.implicitdiff.app.experiments.Savi;
import io.github.implicitdiff.app.experiments.SoftmaxKkt;
import io.github.implicitdiff.app.experiments.SvmHyper;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The experiments and benchmarks the command line knows, immutable. To add an experiment, write the
 * class and add one line to {@link #standard()}.
 *
 * @param experiments run by {@code implicitdiff run <name>}, in {@code run all} order
 * @param benchmarks run by {@code implicitdiff bench <name>}
 */
public record Registry(List<Experiment> experiments, List<Benchmark> benchmarks) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

  /** Copies the lists; checks names are well formed, distinct, and not "all". */
  public Registry {
    experiments = List.copyOf(experiments);
    benchmarks = List.copyOf(benchmarks);
    checkNames(experiments, "experiment");
    checkNames(benchmarks, "benchmark");
  }

  /** Everything the project ships. */
  public static Registry standard() {
    return new Registry(
        List.of(
            new HelloGrad(),
            new Brachistochrone(),
            new SoftmaxKkt(),
            new Ridge(),
            new JacobianPrecision(),
            new LogregHyper(),
            new Distillation(),
            new Dictionary(),
            new Deq(),
            new Imaml(),
            new MdSensitivity(),
            new LassoHyper(),
            new SvmHyper(),
            new OptNet(),
            new Savi()
            // one line per experiment, in the order "run all" runs them
        ),
        List.of(
            new GradTimingBenchmark(),
            new AutodiffBenchmark(),
            new ImplicitBenchmark(),
            new ReuseBenchmark(),
            new ParallelBenchmark(),
            new SolversBenchmark(),
            new StochasticBenchmark()
        ));
  }

  /** The experiment called {@code name}. */
  public Optional<Experiment> experiment(String name) {
    return experiments.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** The benchmark called {@code name}. */
  public Optional<Benchmark> benchmark(String name) {
    return benchmarks.stream().filter(b -> b.name().equals(name)).findFirst();
  }

  private static void checkNames(List<? extends Command> commands, String kind) {
    Set<String> seen = new HashSet<>();
    for (Command c : commands) {
      if (!NAME.matcher(c.name()).matches() || c.name().equals("all")) {
        throw new IllegalArgumentException("Registry: " + kind + " name '" + c.name()
            + "' must be lower case words joined by '-', and not 'all'");
      }
      for (var spec : c.options()) {
        if (CommandRunner.COMMON_OPTIONS.stream().anyMatch(common -> common.name().equals(spec.name()))) {
          throw new IllegalArgumentException("Registry: " + kind + " '" + c.name() + "' declares --" + spec.name()
              + ", which every command already has");
        }
      }
      if (!seen.add(c.name())) {
        throw new IllegalArgumentException("Registry: two " + kind + "s are called '" + c.name() + "'");
      }
    }
  }
}

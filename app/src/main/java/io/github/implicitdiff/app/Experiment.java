package io.github.implicitdiff.app;

/**
 * An experiment run by {@code implicitdiff run <name>}: it prints a table, returns JSON fields and plots.
 * Register it with one line in {@link Registry#standard()}.
 * <pre>{@code
 * public final class RidgeHyper implements Experiment {
 *   public String name() { return "ridge-hyper"; }
 *   public String description() { return "ridge regularization chosen by implicit hypergradient"; }
 *   public List<OptionSpec> options() {
 *     return List.of(OptionSpec.value("lambda", "L", "initial ridge strength, > 0 (default 1)"));
 *   }
 *   public Result run(Options options, Output output) {
 *     double lambda = options.getPositiveDouble("lambda", 1.0);
 *     ...
 *     output.table(table);
 *     return new Result(new JsonObject().put("lambda", lambda)).withPlot("loss", plot);
 *   }
 * }
 * }</pre>
 */
public interface Experiment extends Command {}

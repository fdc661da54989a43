package io.github.implicitdiff.app;

import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.Plot;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a command returns: its JSON fields and named plots. The framework writes the JSON (adding
 * "experiment", "options" and "notes", which are therefore reserved keys) and one PNG per plot.
 * <pre>{@code
 * return new Result(new JsonObject().put("f", f).put("grad", grad)).withPlot("line", plot);
 * }</pre>
 *
 * @param json the result fields
 * @param plots the plots, each with a short name used in its file name
 */
public record Result(JsonObject json, List<NamedPlot> plots) {
  private static final Pattern PLOT_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

  /** A plot with its short name (lower case letters, digits, '-', '_'). */
  public record NamedPlot(String name, Plot plot) {
    /** Validates the name. */
    public NamedPlot {
      if (!PLOT_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("Result: plot name '" + name + "' must be lower case letters, digits, '-' or '_'");
      }
      Objects.requireNonNull(plot, "plot");
    }
  }

  /** Copies the plot list and checks plot names are distinct. */
  public Result {
    Objects.requireNonNull(json, "json");
    plots = List.copyOf(plots);
    if (plots.stream().map(NamedPlot::name).distinct().count() != plots.size()) {
      throw new IllegalArgumentException("Result: plot names must be distinct");
    }
  }

  /** A result without plots. */
  public Result(JsonObject json) {
    this(json, List.of());
  }

  /** This result with one more plot. */
  public Result withPlot(String name, Plot plot) {
    List<NamedPlot> more = new ArrayList<>(plots);
    more.add(new NamedPlot(name, plot));
    return new Result(json, more);
  }
}

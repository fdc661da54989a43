package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Locale;

/**
 * The packing x* wrapped into the box [0, L)² (x − L⌊x/L⌋), small disks, large disks and rattlers as circles of
 * their diameters, with arrows for dx*&#47;dd on the backbone scaled so that the longest is half a small diameter.
 */
final class PackingPlot {
  private PackingPlot() {}

  static Plot of(SoftSpheres system, Tensor x, Contacts contacts, int[] backbone, Tensor u) {
    int n = system.n();
    double box = system.box();
    double[] wrapped = x.sub(x.div(box).floor().mul(box)).toDoubleArray();
    double[] norms = u.square().sum(1).sqrt().toDoubleArray();
    double longest = java.util.Arrays.stream(norms).max().orElse(1);
    double scale = longest > 0 ? 0.5 / longest : 1;
    Plot plot = new Plot(760, 800).equalAspect()
        .title(String.format(Locale.ROOT, "%d disks at φ = %.2f: dx*/dd (arrows, ×%.3g)", n, system.packingFraction(1), scale))
        .xLabel("x").yLabel("y");
    for (int kind = 0; kind < 3; kind++) {
      int count = 0;
      double[] cx = new double[n], cy = new double[n], r = new double[n];
      for (int i = 0; i < n; i++) {
        int k = contacts.rattlers()[i] ? 2 : system.small(i) ? 0 : 1;
        if (k != kind) continue;
        cx[count] = wrapped[2 * i];
        cy[count] = wrapped[2 * i + 1];
        r[count++] = (system.small(i) ? 1 : system.large()) / 2;
      }
      if (count > 0)
        plot.circles(new String[] {"small (d = 1)", "large (1.4)", "rattlers"}[kind], java.util.Arrays.copyOf(cx, count),
            java.util.Arrays.copyOf(cy, count), java.util.Arrays.copyOf(r, count));
    }
    int m = backbone.length;
    double[] ax = new double[m], ay = new double[m], au = new double[m], av = new double[m];
    for (int k = 0; k < m; k++) {
      ax[k] = wrapped[2 * backbone[k]];
      ay[k] = wrapped[2 * backbone[k] + 1];
      au[k] = scale * u.get(k, 0);
      av[k] = scale * u.get(k, 1);
    }
    return plot.arrows("dx*/dd", ax, ay, au, av)
        .line("box", new double[] {0, box, box, 0, 0}, new double[] {0, 0, box, box, 0});
  }
}

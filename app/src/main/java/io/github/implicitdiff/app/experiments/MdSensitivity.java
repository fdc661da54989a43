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
import io.github.implicitdiff.solver.Differentiation;
import io.github.implicitdiff.solver.LBFGS;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Molecular-dynamics sensitivity (the JAXopt paper's JAX-MD example): a jammed bidisperse packing of soft disks
 * ({@link SoftSpheres}: diameters d and 1.4, U = (1/2)(1 − r/σ)² for r &lt; σ, periodic box at packing fraction φ)
 * is minimized from a random configuration ({@link Packing}: L-BFGS, then Newton to rounding level), and the
 * minimizer x*(d) and the energy E*(d) = E(x*(d), d) are differentiated in the small diameter d by the implicit
 * function theorem on ∇ₓE(x, d) = 0 ({@link Backbone}: rattlers frozen, translations pinned):
 * <pre>
 *   ∇²ₓE · dx*&#47;dd = −∂_d ∇ₓE,        dE*&#47;dd = ∇ₓE · dx*&#47;dd + ∂E/∂d = ∂E/∂d  (envelope theorem).
 * </pre>
 * Both are checked against central differences of full re-minimizations from the same x⁰ at d ± h, after checking
 * that the contact network is the same at d − h, d and d + h; dE*&#47;dd also against the closed form ∂E/∂d at fixed
 * x* ({@link Contacts}). Forward-mode unrolling through L-BFGS is affordable (one tangent per iterate) and is
 * compared at a few iteration counts.
 */
public final class MdSensitivity implements Experiment {
  private static final int ARROWS_LISTED = 5;

  @Override
  public String name() {
    return "md-sensitivity";
  }

  @Override
  public String description() {
    return "jammed soft-disk packing: d x*/d diameter and d E*/d diameter by implicit differentiation, against finite differences";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.value("particles", "N", "number of disks (even), in [4, 512] (default 128; 64 with --quick)"),
        OptionSpec.value("phi", "F", "packing fraction at d = 1, in [0.86, 1.2] (default 0.9)"),
        OptionSpec.value("tol", "T", "L-BFGS tolerance on rms(∇E)/max(1, rms(x)), in [1e-13, 1e-6] (default 1e-10)"),
        OptionSpec.value("h", "H", "finite-difference step in d, in [1e-8, 1e-2] (default 1e-5)"),
        OptionSpec.value("seed", "S", "seed of the initial configuration (default 0)"));
  }

  @Override
  public Result run(Options options, Output output) {
    boolean quick = options.has("quick");
    int n = options.getIntInRange("particles", quick ? 64 : 128, 4, 512);
    if (n % 2 != 0) throw new io.github.implicitdiff.app.cli.UsageException("--particles must be even, got " + n);
    double phi = options.getDoubleInRange("phi", 0.9, 0.86, 1.2);
    double tol = options.getDoubleInRange("tol", 1e-10, 1e-13, 1e-6);
    double h = options.getDoubleInRange("h", 1e-5, 1e-8, 1e-2);
    long seed = options.getLong("seed", 0);
    double d = 1;
    SoftSpheres system = SoftSpheres.bidisperse(n, phi);
    Packing packing = new Packing(system, system.randomPositions(new Random(seed)), tol, 50_000);
    output.note(String.format(Locale.ROOT, "%d disks (%d of diameter d = 1, %d of 1.4), box %.4f, φ = %.3f; U = (1/2)(1 − r/σ)²; "
        + "L-BFGS to %.0e from uniform random positions (seed %d), then Newton to %.0e", n, n / 2, n / 2, system.box(), phi,
        tol, seed, Packing.POLISH_TOL));

    Packing.Minimum min = packing.minimize(d);
    Contacts contacts = min.contacts();
    Backbone backbone = min.backbone();
    Tensor yStar = backbone.of(min.x());
    Tensor residual = AD.grad(x -> system.energy(x, Tensor.scalar(d)), min.x());
    double residualMax = residual.maxAbs();
    Backbone.Derivative derivative = backbone.derivative(yStar, d);
    Tensor u = derivative.positions();

    // references: full re-minimizations at d ± h from the same x⁰
    Packing.Minimum plus = packing.minimize(d + h), minus = packing.minimize(d - h);
    boolean stable = plus.contacts().sameNetwork(contacts) && minus.contacts().sameNetwork(contacts)
        && plus.contacts().rattlerCount() == contacts.rattlerCount();
    double energyFd = (plus.energy(system) - minus.energy(system)) / (2 * h);
    Tensor fd = centralDifference(system, backbone.of(plus.x()), backbone.of(minus.x()), h);
    double positionsRelative = fd.sub(u).norm2() / fd.norm2();
    double energyRelative = Math.abs(derivative.energy() - energyFd) / Math.abs(energyFd);
    double envelopeRelative = Math.abs(derivative.energy() - contacts.energyDerivative()) / Math.abs(contacts.energyDerivative());

    Table summary = new Table("quantity", "value");
    summary.row("final energy E*", min.energy(system));
    summary.row("max |∇ₓE| at x*", residualMax);
    summary.row("contacts (backbone coordination Z)", String.format(Locale.ROOT, "%d (Z = %.3f)", contacts.count(),
        contacts.meanCoordination()));
    summary.row("rattlers (frozen, derivative reported 0)", contacts.rattlerCount());
    summary.row("L-BFGS iterations, Newton iterations", min.lbfgsIterations() + ", " + min.newtonIterations());
    summary.row("dE*/dd implicit", derivative.energy());
    summary.row("dE*/dd envelope ∂E/∂d at x* (closed form)", contacts.energyDerivative());
    summary.row("dE*/dd central differences", energyFd);
    summary.row("‖dx*/dd‖ implicit (zero-mean backbone)", u.norm2());
    summary.row("‖dx*/dd‖ central differences", fd.norm2());
    summary.row("contact network unchanged at d ± h", stable ? "yes" : "NO (differences unreliable)");
    output.table(summary);
    output.out().printf(Locale.ROOT, "relative differences: dx*/dd %.2g, dE*/dd %.2g against central differences (h = %.0e), "
        + "%.2g against the envelope theorem%n", positionsRelative, energyRelative, h, envelopeRelative);
    double minimizeSeconds = min.lbfgsSeconds() + min.polishSeconds();
    output.out().printf(Locale.ROOT, "time: minimization %.3f s (L-BFGS %.3f s, Newton polish %.3f s), implicit derivative %.3f s "
        + "(%d CG iterations)%n", minimizeSeconds, min.lbfgsSeconds(), min.polishSeconds(), derivative.seconds(),
        derivative.cgIterations());

    Table largest = largestDisplacements(u, backbone.indices(), system);
    output.table(largest);
    List<double[]> unrolled = unrolled(packing, backbone, yStar, u, min.lbfgsIterations(), output);

    JsonObject json = new JsonObject().put("particles", n).put("phi", phi).put("box", system.box()).put("tol", tol).put("h", h)
        .put("seed", seed).put("energy", min.energy(system)).put("gradient_max_abs", residualMax)
        .put("contacts", contacts.count()).put("coordination", contacts.meanCoordination())
        .put("rattlers", contacts.rattlerCount()).put("lbfgs_iterations", min.lbfgsIterations())
        .put("newton_iterations", min.newtonIterations())
        .put("dE_dd", derivative.energy()).put("dE_dd_envelope", contacts.energyDerivative()).put("dE_dd_fd", energyFd)
        .put("dx_dd_norm", u.norm2()).put("dx_dd_fd_norm", fd.norm2()).put("dx_dd_fd_relative_difference", positionsRelative)
        .put("dE_dd_fd_relative_difference", energyRelative).put("dE_dd_envelope_relative_difference", envelopeRelative)
        .put("network_stable", stable ? 1 : 0)
        .put("minimize_seconds", minimizeSeconds).put("lbfgs_seconds", min.lbfgsSeconds())
        .put("implicit_seconds", derivative.seconds()).put("cg_iterations", derivative.cgIterations())
        .put("unrolled_iterations", unrolled.stream().mapToDouble(r -> r[0]).toArray())
        .put("unrolled_relative_error", unrolled.stream().mapToDouble(r -> r[1]).toArray())
        .put("unrolled_seconds", unrolled.stream().mapToDouble(r -> r[2]).toArray())
        .put("dx_dd", u.toArray2d());
    return new Result(json).withPlot("packing", PackingPlot.of(system, min.x(), contacts, backbone.indices(), u));
  }

  /** (y₊ − y₋)/2h with minimum-image wrapping of the difference, its backbone mean removed (the gauge of {@link Backbone}). */
  static Tensor centralDifference(SoftSpheres system, Tensor yPlus, Tensor yMinus, double h) {
    Tensor dy = yPlus.sub(yMinus);
    dy = dy.sub(dy.div(system.box()).round().mul(system.box()));
    Tensor fd = dy.div(2 * h);
    return fd.sub(fd.mean(0));
  }

  private static Table largestDisplacements(Tensor u, int[] indices, SoftSpheres system) {
    Integer[] order = new Integer[indices.length];
    double[] norm = u.square().sum(1).sqrt().toDoubleArray();
    for (int k = 0; k < order.length; k++) order[k] = k;
    java.util.Arrays.sort(order, (a, b) -> Double.compare(norm[b], norm[a]));
    Table table = new Table("disk", "diameter", "dx*/dd", "dy*/dd", "‖·‖");
    for (int k = 0; k < Math.min(ARROWS_LISTED, order.length); k++) {
      int row = order[k], i = indices[row];
      table.row(i, system.small(i) ? "d" : String.valueOf(system.large()), u.get(row, 0), u.get(row, 1), norm[row]);
    }
    return table;
  }

  /**
   * Forward-mode unrolling: the tangent of L-BFGS's K-th iterate in d (one JVP pass through K recorded-free
   * iterations), against the implicit derivative, for K up to the iterations of the converged run.
   * @return rows {K, relative error, seconds}
   */
  private static List<double[]> unrolled(Packing packing, Backbone backbone, Tensor yStar, Tensor u, int iterations,
      Output output) {
    Table table = new Table("L-BFGS iterations K", "‖x_K − x*‖", "‖dx_K/dd − dx*/dd‖ / ‖dx*/dd‖", "seconds");
    List<double[]> rows = new ArrayList<>();
    for (int k : new int[] {iterations / 8, iterations / 4, iterations / 2, iterations}) {
      LBFGS solver = packing.lbfgs().withDifferentiation(Differentiation.UNROLLED).withMaxIterations(Math.max(1, k));
      long start = System.nanoTime();
      var jvp = AD.jvp(d -> solver.run(packing.init(), d).solution(), Tensor.scalar(1), Tensor.scalar(1));
      double seconds = (System.nanoTime() - start) / 1e9;
      Tensor tangent = backbone.of(jvp.outTangent());
      tangent = tangent.sub(tangent.mean(0));
      Tensor gap = backbone.of(jvp.out()).sub(yStar);
      double error = tangent.sub(u).norm2() / u.norm2();
      table.row(k, gap.sub(gap.mean(0)).norm2(), error, seconds);
      rows.add(new double[] {k, error, seconds});
    }
    output.out().println("forward-mode unrolling through L-BFGS (same x⁰):");
    output.table(table);
    return rows;
  }
}

package io.github.implicitdiff.app.experiments;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MdSensitivityTest {
  private static final double D = 1, H = 1e-5;

  /** A 16-disk packing at φ = 0.9 (seed 3), minimized to rounding level. */
  private static Packing small() {
    SoftSpheres system = SoftSpheres.bidisperse(16, 0.9);
    return new Packing(system, system.randomPositions(new Random(3)), 1e-10, 50_000);
  }

  /**
   * dx*&#47;dd by the implicit function theorem against central differences of full re-minimizations from the same
   * x⁰ at d ± h, on the backbone with the mean displacement removed; the contact network is asserted unchanged
   * under the step, so that x*(d) is smooth between the three points. A wrong sign or a missing ∂_d∇E term is off
   * by order one.
   */
  @Test
  void implicitDerivativeMatchesCentralDifferencesOfReminimizations() {
    Packing packing = small();
    SoftSpheres system = packing.system();
    Packing.Minimum min = packing.minimize(D), plus = packing.minimize(D + H), minus = packing.minimize(D - H);
    assertTrue(min.contacts().count() >= 16, min.contacts().toString());
    assertTrue(plus.contacts().sameNetwork(min.contacts()) && minus.contacts().sameNetwork(min.contacts()),
        "the contact network must not change under the step");
    // stationarity at the minimum, from an independent gradient of the full energy
    Tensor grad = AD.grad(x -> system.energy(x, Tensor.scalar(D)), min.x());
    assertTrue(grad.maxAbs() < 1e-12, "residual " + grad.maxAbs());
    Backbone backbone = min.backbone();
    Backbone.Derivative derivative = backbone.derivative(backbone.of(min.x()), D);
    Tensor u = derivative.positions(), fd = MdSensitivity.centralDifference(system, backbone.of(plus.x()), backbone.of(minus.x()), H);
    assertTrue(u.norm2() > 0.1, "a non-trivial derivative: " + u.norm2());
    assertEquals(0, u.mean(0).maxAbs(), 1e-9, "the pinned gauge has zero mean displacement");
    double relative = fd.sub(u).norm2() / fd.norm2();
    assertTrue(relative < 1e-4, "relative difference " + relative + " (‖u‖ = " + u.norm2() + ")");
    double energyFd = (plus.energy(system) - minus.energy(system)) / (2 * H);
    assertEquals(energyFd, derivative.energy(), 1e-6 * Math.abs(energyFd));
  }

  /**
   * dE*&#47;dd through the solver equals ∂E/∂d at fixed x* (envelope theorem), the latter in closed form pair by pair
   * ({@link Contacts}); the closed form is itself checked against reverse mode in d at fixed x.
   */
  @Test
  void energyDerivativeMatchesTheEnvelopeTheorem() {
    Packing packing = small();
    Packing.Minimum min = packing.minimize(D);
    Backbone backbone = min.backbone();
    double implicit = backbone.derivative(backbone.of(min.x()), D).energy();
    double envelope = min.contacts().energyDerivative();
    assertTrue(envelope > 0.05, "growing the small disks raises the energy: " + envelope);
    assertEquals(envelope, implicit, 1e-10 * envelope);
    double partial = AD.grad(d -> packing.system().energy(min.x(), d), Tensor.scalar(D)).item();
    assertEquals(partial, envelope, 1e-12 * envelope);
  }

  @Test
  void quickRunChecksItsDerivativesAndWritesThePacking(@TempDir Path dir) throws Exception {
    CommandLineRun r = CommandLineRun.quick(dir, "md-sensitivity", "m.json");
    assertEquals(1, r.number("network_stable"));
    assertTrue(r.number("contacts") > 64, "jammed: more contacts than disks");
    assertTrue(r.number("gradient_max_abs") < 1e-12);
    assertTrue(r.number("dx_dd_fd_relative_difference") < 1e-4); // measured 1.4e-6
    assertTrue(r.number("dE_dd_fd_relative_difference") < 1e-6); // measured 5.6e-9
    assertTrue(r.number("dE_dd_envelope_relative_difference") < 1e-9); // measured 2e-13
    assertTrue(r.number("implicit_seconds") < r.number("minimize_seconds"), "one linear solve is cheaper than the minimization");
    List<Double> unrolled = r.numbers("unrolled_relative_error");
    assertEquals(4, unrolled.size());
    assertEquals(64, ((List<?>) r.json().get("dx_dd")).size());
    assertTrue(Files.size(dir.resolve("m.png")) > 1000);
  }

  @Test
  void badOptionValuesEndInOneLine() throws Exception {
    CommandLineRun.assertEachEndsInOneLine("md-sensitivity",
        Map.of("--particles", "7", "--phi", "0.5", "--tol", "1", "--h", "0", "--seed", "x"));
  }
}

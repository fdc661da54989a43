package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Locale;
import java.util.Random;

/**
 * A hypergradient checked along one random unit direction u against central differences of the loss,
 * (L(θ + hu) − L(θ − hu)) / 2h. The loss given here should solve its inner problem from a cold start and
 * tighter than h (the differences' error is about the solver's tolerance / h).
 *
 * @param implicit ⟨∇L(θ), u⟩ from the hypergradient
 * @param finiteDifference the central difference
 * @param relativeDifference |implicit − finiteDifference| / |finiteDifference|
 */
record DirectionalCheck(double implicit, double finiteDifference, double relativeDifference) {
  /** Checks {@code grad} = ∇L(θ) along a direction drawn from {@code rng}, with step {@code h}. */
  static DirectionalCheck of(TensorFunction loss, Tensor theta, Tensor grad, Random rng, double h) {
    Tensor dir = Tensor.randn(rng, theta.shape());
    dir = dir.div(dir.norm2());
    double fd = (loss.apply(theta.add(dir.mul(h))).item() - loss.apply(theta.sub(dir.mul(h))).item()) / (2 * h);
    double ad = grad.vdot(dir);
    return new DirectionalCheck(ad, fd, Math.abs(ad - fd) / Math.max(1e-12, Math.abs(fd)));
  }

  /**
   * Prints the comparison and throws if the relative difference is not below {@code tol}.
   * @throws IllegalStateException naming {@code experiment} if the two disagree
   */
  DirectionalCheck report(String experiment, Output output, double tol) {
    output.out().printf(Locale.ROOT, "directional hypergradient: implicit %.8g, central differences %.8g (rel. diff %.2g)%n",
        implicit, finiteDifference, relativeDifference);
    if (!(relativeDifference < tol))
      throw new IllegalStateException(experiment + ": implicit hypergradient disagrees with finite differences: " + implicit
          + " vs " + finiteDifference);
    return this;
  }

  /** Adds hypergradient_directional, hypergradient_directional_fd and fd_relative_difference. */
  JsonObject addTo(JsonObject json) {
    return json.put("hypergradient_directional", implicit).put("hypergradient_directional_fd", finiteDifference)
        .put("fd_relative_difference", relativeDifference);
  }
}

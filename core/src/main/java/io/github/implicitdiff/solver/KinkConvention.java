package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Degeneracy;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * Degeneracy detection and the derivative convention for the first-order solvers whose fixed point is
 * x = T(x − η₀∇f(x, θ_f), θ_T) (proximal and projected gradient): the kinks of T are tested at
 * v = x* − η₀∇f(x*) and, when some coordinate is degenerate, the implicit layer differentiates
 * F̃(x, θ) = T(settle(x − η₀∇f(x, θ_f)), θ_T) − x, where {@link DegeneracyCheck#settle} holds the degenerate
 * coordinates on the non-smooth side of their kink. F̃ = F at x* up to the solver's tolerance.
 */
final class KinkConvention {
  private KinkConvention() {}

  /** r with the degeneracy of its (concrete) solution attached; r itself when {@code test} is null. */
  static SolverResult inspect(SolverResult r, DegeneracyCheck test, Objective f, double eta0, Theta theta) {
    if (test == null) return r;
    Tensor x = r.solution().concrete();
    Tensor[] thetaF = concrete(theta.objective()), thetaT = concrete(theta.operator());
    Tensor grad = AD.grad(z -> f.apply(z, thetaF), x);
    return r.withDegeneracy(test.inspect(x.sub(grad.mul(eta0)), eta0, thetaT));
  }

  /** v ↦ T(settle(v), θ_T): the operator with the degenerate coordinates held at their convention. */
  static Geometry.ProxMap settled(Geometry.ProxMap operator, DegeneracyCheck test, Degeneracy d) {
    return (v, eta, params) -> operator.apply(test.settle(v, d, eta, params), eta, params);
  }

  private static Tensor[] concrete(Tensor[] t) {
    return Arrays.stream(t).map(Tensor::concrete).toArray(Tensor[]::new);
  }
}

package io.github.implicitdiff.implicit;

import java.util.function.Consumer;

/**
 * How {@link Implicit} checks the conditions of the implicit function theorem and reports what it did.
 *
 * <pre>{@code
 * ImplicitOptions opts = ImplicitOptions.defaults()
 *     .withResidualTolerance(1e-8)
 *     .withSymmetric(true)                       // ∂₁F symmetric: F is a gradient, CG may be used
 *     .withListener(d -> log.add(d));            // residuals and linear-solve statistics
 * }</pre>
 *
 * @param residualTolerance the solver's output x* is accepted when rms(F(x*, θ)) ≤ residualTolerance ·
 *     max(1, rms(x*)), rms being the root mean square over the elements
 * @param policy what a failed check does: throw (default) or report a warning
 * @param symmetric whether ∂₁F is known to be symmetric (F a gradient), so that Aᵀ = A
 * @param listener receives one {@link ImplicitDiagnostics} per solve and per linear solve; may be null
 * @param singularityProbe whether to verify, once per solution, that ∂₁F is nonsingular by a probe solve
 *     ({@link #withSingularityProbe})
 */
public record ImplicitOptions(double residualTolerance, CheckPolicy policy, boolean symmetric,
    Consumer<ImplicitDiagnostics> listener, boolean singularityProbe) {

  /** What a failed check does. */
  public enum CheckPolicy {
    /** Throw an exception naming the failed check (the default). */
    THROW,
    /**
     * Carry on, and report the failure as a warning in the diagnostics sent to the listener (and to
     * the {@code io.github.implicitdiff} System.Logger when there is no listener).
     */
    WARN
  }

  public ImplicitOptions {
    // an infinite tolerance would switch the residual check off silently; CheckPolicy.WARN is the way to relax it
    if (!(residualTolerance > 0) || residualTolerance == Double.POSITIVE_INFINITY)
      throw new IllegalArgumentException("ImplicitOptions: residualTolerance must be > 0 and finite, got " + residualTolerance
          + "; to let inaccurate solutions through, use withPolicy(CheckPolicy.WARN)");
    if (policy == null) throw new IllegalArgumentException("ImplicitOptions: policy must not be null");
  }

  /** Residual tolerance 1e-6, throwing checks, no symmetry assumed, no listener, no singularity probe. */
  public static ImplicitOptions defaults() {
    return new ImplicitOptions(1e-6, CheckPolicy.THROW, false, null, false);
  }

  public ImplicitOptions withResidualTolerance(double tol) {
    return new ImplicitOptions(tol, policy, symmetric, listener, singularityProbe);
  }

  public ImplicitOptions withPolicy(CheckPolicy p) {
    return new ImplicitOptions(residualTolerance, p, symmetric, listener, singularityProbe);
  }

  /**
   * Declares ∂₁F symmetric (F the gradient of an objective): every product with ∂₁F then reuses one recorded
   * pullback instead of a JVP. Forward-mode derivatives check the claim on one random pair u, v (two products;
   * uᵀ∂₁F v = vᵀ∂₁F u) and raise {@link ImplicitConditionException} when it is false, as they would otherwise
   * solve the transposed system; reverse mode solves with (∂₁F)ᵀ either way.
   *
   * <pre>{@code
   * ImplicitOptions opts = ImplicitOptions.defaults().withSymmetric(true);   // with LinearSolvers.cg()
   * }</pre>
   */
  public ImplicitOptions withSymmetric(boolean s) {
    return new ImplicitOptions(residualTolerance, policy, s, listener, singularityProbe);
  }

  public ImplicitOptions withListener(Consumer<ImplicitDiagnostics> l) {
    return new ImplicitOptions(residualTolerance, policy, symmetric, l, singularityProbe);
  }

  /**
   * Verify that ∂₁F is nonsingular at each solution before trusting the derivative. A dense solver finds a
   * singular ∂₁F by itself, and a Krylov solver when the right-hand side is not in its range; but when it is (a
   * singular ∂₁F and a consistent system: a non-isolated root whose derivative is not defined), CG and GMRES
   * converge to one of the solutions without a sign. The probe solves ∂₁F z = ∂₁F r for a fixed pseudo-random r
   * once per solution (not per product: the rows of a reverse-mode Jacobian share it) and throws {@link
   * io.github.implicitdiff.linalg.SingularMatrixException} when z misses r by more than {@value
   * #PROBE_TOLERANCE} (relative): the part of r in the null space cannot be recovered. Costs one more linear solve
   * per solution.
   *
   * <pre>{@code
   * ImplicitOptions checked = ImplicitOptions.defaults().withSingularityProbe(true);
   * }</pre>
   */
  public ImplicitOptions withSingularityProbe(boolean probe) {
    return new ImplicitOptions(residualTolerance, policy, symmetric, listener, probe);
  }

  /**
   * The probe's threshold on ‖z − r‖ / ‖r‖: a null-space direction of a random r carries about 1/√n of it, so a
   * one-dimensional null space shows up to n ≈ 10⁵; a regular ∂₁F solved to relative residual 1e-10 misses r by at
   * most κ · 1e-10, so condition numbers up to 10⁶ pass.
   */
  public static final double PROBE_TOLERANCE = 1e-4;

  void report(ImplicitDiagnostics d) {
    if (listener != null) listener.accept(d);
    else if (d.warning() != null)
      System.getLogger("io.github.implicitdiff").log(System.Logger.Level.WARNING, d.warning());
  }
}

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
 */
public record ImplicitOptions(double residualTolerance, CheckPolicy policy, boolean symmetric,
    Consumer<ImplicitDiagnostics> listener) {

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

  /** Residual tolerance 1e-6, throwing checks, no symmetry assumed, no listener. */
  public static ImplicitOptions defaults() {
    return new ImplicitOptions(1e-6, CheckPolicy.THROW, false, null);
  }

  public ImplicitOptions withResidualTolerance(double tol) {
    return new ImplicitOptions(tol, policy, symmetric, listener);
  }

  public ImplicitOptions withPolicy(CheckPolicy p) {
    return new ImplicitOptions(residualTolerance, p, symmetric, listener);
  }

  public ImplicitOptions withSymmetric(boolean s) {
    return new ImplicitOptions(residualTolerance, policy, s, listener);
  }

  public ImplicitOptions withListener(Consumer<ImplicitDiagnostics> l) {
    return new ImplicitOptions(residualTolerance, policy, symmetric, l);
  }

  void report(ImplicitDiagnostics d) {
    if (listener != null) listener.accept(d);
    else if (d.warning() != null)
      System.getLogger("io.github.implicitdiff").log(System.Logger.Level.WARNING, d.warning());
  }
}

package io.github.implicitdiff.implicit;

import io.github.implicitdiff.linalg.LinearSolution;

/**
 * What one step of implicit differentiation measured.
 *
 * @param stage the forward solve, a JVP linear solve (∂₁F u = −∂₂F v), a VJP linear solve
 *     ((∂₁F)ᵀ w = −g), or the singularity probe's solve ({@link ImplicitOptions#withSingularityProbe})
 * @param size n, the number of unknowns
 * @param residualRms for SOLVE: rms(F(x*, θ)); otherwise NaN (see the linear solution)
 * @param linearSolution for JVP/VJP/PROBE: the linear solver's iterations and relative residual; null for SOLVE
 * @param warning the failed check under {@link ImplicitOptions.CheckPolicy#WARN}, else null
 */
public record ImplicitDiagnostics(Stage stage, int size, double residualRms, LinearSolution linearSolution, String warning) {
  /** Which computation the diagnostics describe. */
  public enum Stage { SOLVE, JVP, VJP, PROBE }
}

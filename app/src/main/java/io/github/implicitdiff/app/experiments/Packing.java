package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.solver.LBFGS;
import io.github.implicitdiff.solver.Newton;
import io.github.implicitdiff.solver.SolverResult;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Energy minimization of a {@link SoftSpheres} packing from one fixed initial configuration x⁰: L-BFGS on E(x, d)
 * over all positions to rms(∇ₓE)/max(1, rms(x)) ≤ tol, then Newton steps (Hessian-vector products, CG) on the
 * backbone energy with pinned centroid ({@link Backbone}, nonsingular) to 1e-14, because a line search cannot take
 * the gradient much below √(rounding of E) and finite differences of x*(d) need it at rounding level.
 */
final class Packing {
  static final double POLISH_TOL = 1e-14;
  private final SoftSpheres system;
  private final Tensor init;
  private final LBFGS lbfgs;
  private final double tol;

  /**
   * @param init x⁰ (N×2)
   * @param tol the L-BFGS tolerance
   * @param maxIterations its iteration limit
   */
  Packing(SoftSpheres system, Tensor init, double tol, int maxIterations) {
    this.system = system;
    this.init = init.concrete();
    this.tol = tol;
    this.lbfgs = LBFGS.of((x, th) -> system.energy(x, th[0])).withTol(tol).withMaxIterations(maxIterations);
  }

  SoftSpheres system() {
    return system;
  }

  Tensor init() {
    return init;
  }

  /** The L-BFGS solver on E(x, d) (all positions). */
  LBFGS lbfgs() {
    return lbfgs;
  }

  /** The minimum at small diameter d from x⁰. @throws IllegalStateException if L-BFGS does not converge */
  Minimum minimize(double d) {
    Tensor theta = Tensor.scalar(d);
    long start = System.nanoTime();
    SolverResult run = lbfgs.run(init, theta);
    if (!run.converged())
      throw new IllegalStateException("L-BFGS did not reach tol " + tol + " in " + run.iterations() + " iterations (error "
          + run.error() + "); raise --max-iterations or loosen --tol");
    long lbfgsEnd = System.nanoTime();
    Tensor x = run.solution().concrete();
    Contacts contacts = Contacts.of(system, x.toDoubleArray(), d);
    Backbone backbone = new Backbone(system, x, contacts, POLISH_TOL, 1e-10);
    SolverResult polish = Newton.of((y, th) -> backbone.pinnedEnergy(y, th[0])).withTol(POLISH_TOL).withMaxIterations(20)
        .run(backbone.of(x), theta);
    Tensor y = polish.solution().concrete();
    x = backbone.positions(y).concrete();
    long end = System.nanoTime();
    contacts = Contacts.of(system, x.toDoubleArray(), d);
    return new Minimum(d, x, contacts, new Backbone(system, x, contacts, POLISH_TOL, 1e-10), run.iterations(),
        polish.iterations(), polish.error(), (lbfgsEnd - start) / 1e9, (end - lbfgsEnd) / 1e9);
  }

  /**
   * A minimum x*(d).
   *
   * @param x the positions (N×2, unwrapped)
   * @param lbfgsIterations L-BFGS iterations from x⁰
   * @param newtonIterations Newton polishing iterations
   * @param error rms(∇E_B)/max(1, rms(y)) after polishing
   * @param lbfgsSeconds wall time of L-BFGS
   * @param polishSeconds wall time of the contact analysis and the Newton polish
   */
  record Minimum(double d, Tensor x, Contacts contacts, Backbone backbone, int lbfgsIterations, int newtonIterations,
      double error, double lbfgsSeconds, double polishSeconds) {
    /** E(x*, d). */
    double energy(SoftSpheres system) {
      return system.energy(x, Tensor.scalar(d)).item();
    }
  }
}

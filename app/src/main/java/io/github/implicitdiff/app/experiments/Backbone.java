package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitDiagnostics;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.LBFGS;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The implicit derivative of a minimum x*(d) of {@link SoftSpheres} energy in the small diameter d, on the
 * backbone. Its Hessian ∇²ₓE is singular twice over: E is invariant under a common translation of all disks (two
 * zero modes), and every rattler ({@link Contacts}) is free in its cage (two zero modes each). Both are removed:
 * <ul>
 *   <li>rattlers are frozen at their positions in x* and dropped from the unknowns, y = x_B (backbone B). They have
 *       no contacts, so they exert no force and the frozen problem has the same backbone minimum, with the same
 *       derivative as long as no rattler touches anything under the change of d; their own derivative is left
 *       undefined (reported as 0);</li>
 *   <li>the translations are pinned by the centroid term of
 *   <pre>
 *     E_B(y, d) = E(x(y), d) + (|B|/2) ‖ȳ − ȳ*‖²,   ȳ = (1/|B|) Σ_{i∈B} y_i,                    (1)
 *   </pre>
 *   which leaves the minimum unchanged (Σ_i ∇_{y_i} E = 0, so ∇E_B = 0 at y* exactly), adds (1/|B|) 𝟙𝟙ᵀ ⊗ I₂ to the
 *   Hessian (eigenvalue 1 on the two translation modes, nothing elsewhere), and selects the derivative with zero
 *   mean displacement: 𝟙ᵀ(∂y*&#47;∂d) = 0 because 𝟙ᵀ∂_d∇E = 0.</li>
 * </ul>
 * The derivative is then the solver's built-in implicit mode: L-BFGS on (1) warm-started at y* (it stops at once)
 * and {@link AD#jvp} in d, which solves ∇²E_B u = −∂_d∇_y E_B by CG on Hessian-vector products (the implicit
 * function theorem applied to ∇_y E_B(y, d) = 0).
 */
final class Backbone {
  private final SoftSpheres system;
  private final int[] backbone;
  private final Tensor frozen;
  private final int[] order;
  private final Tensor centroid;
  private final LBFGS solver;
  private final List<ImplicitDiagnostics> diagnostics = new ArrayList<>();

  /**
   * @param xStar the minimum (N×2), concrete
   * @param contacts its contacts (for the rattlers)
   * @param tol the L-BFGS tolerance at which y* counts as converged
   * @param cgTol the relative residual of the CG solve
   */
  Backbone(SoftSpheres system, Tensor xStar, Contacts contacts, double tol, double cgTol) {
    this.system = system;
    this.backbone = contacts.backbone();
    int[] rattlers = contacts.rattlerIndices();
    this.frozen = xStar.take(rattlers, 0);
    this.order = new int[system.n()]; // row of particle i in concat(y, frozen)
    for (int k = 0; k < backbone.length; k++) order[backbone[k]] = k;
    for (int k = 0; k < rattlers.length; k++) order[rattlers[k]] = backbone.length + k;
    this.centroid = xStar.take(backbone, 0).mean(0);
    Objective energy = (y, th) -> pinnedEnergy(y, th[0]);
    this.solver = LBFGS.of(energy).withTol(tol).withMaxIterations(10_000)
        .withLinearSolver(LinearSolvers.cg().withTol(cgTol).withMaxIterations(20_000))
        .withImplicitOptions(ImplicitOptions.defaults().withSymmetric(true).withListener(diagnostics::add));
  }

  /** All positions x(y) (N×2): the backbone's y and the frozen rattlers, in particle order. */
  Tensor positions(Tensor y) {
    if (frozen.dim(0) == 0) return y.take(order, 0);
    return Tensor.concat(0, y, frozen).take(order, 0);
  }

  /** E_B(y, d) of (1). */
  Tensor pinnedEnergy(Tensor y, Tensor d) {
    Tensor shift = y.mean(0).sub(centroid);
    return system.energy(positions(y), d).add(shift.square().sum().mul(backbone.length / 2.0));
  }

  /** The backbone indices. */
  int[] indices() {
    return backbone.clone();
  }

  /** The backbone rows of x. */
  Tensor of(Tensor x) {
    return x.take(backbone, 0);
  }

  /** y*(d) from {@code yStar}, differentiable in d by the implicit function theorem. */
  Tensor solution(Tensor yStar, Tensor d) {
    return solver.run(yStar, d).orThrow();
  }

  /**
   * The implicit derivatives at (y*, d): dy*&#47;dd (|B|×2) and dE*&#47;dd = ∇ₓE·dx*&#47;dd + ∂E/∂d, by one forward-mode
   * pass through the solver.
   */
  Derivative derivative(Tensor yStar, double d) {
    diagnostics.clear();
    long start = System.nanoTime();
    var jvp = AD.jvp(in -> {
      Tensor y = solution(yStar, in[0]);
      return new Tensor[] {y, system.energy(positions(y), in[0])};
    }, new Tensor[] {Tensor.scalar(d)}, new Tensor[] {Tensor.scalar(1)});
    double seconds = (System.nanoTime() - start) / 1e9;
    int cg = diagnostics.stream().filter(g -> g.linearSolution() != null).mapToInt(g -> g.linearSolution().iterations()).sum();
    return new Derivative(jvp.tangent()[0].concrete(), jvp.tangent()[1].item(), seconds, cg);
  }

  /**
   * @param positions dy*&#47;dd on the backbone (|B|×2), zero mean
   * @param energy dE*&#47;dd
   * @param seconds wall time of the forward-mode pass (solver check and CG solve)
   * @param cgIterations CG iterations of the implicit system
   */
  record Derivative(Tensor positions, double energy, double seconds, int cgIterations) {}
}

package io.github.implicitdiff.implicit;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ImplicitOptions.withSingularityProbe: a singular ∂₁F with a consistent right-hand side, which Krylov solvers
 * solve without a sign, is reported; a regular (even ill-conditioned) one passes, once per solution.
 */
class SingularityProbeTest {
  static final ImplicitOptions PROBED = ImplicitOptions.defaults().withSingularityProbe(true);

  /** F = ∇f for f(x, θ) = ½(Σx − θ)²: every x with Σx = θ is a root; ∂₁F = 11ᵀ is singular. */
  static final Optimality FLAT = (x, th) -> Tensor.onesLike(x).mul(x.sum().sub(th[0]));
  static final RootSolver EVEN_SPLIT = th -> Tensor.full(th[0].item() / 3, 3);

  @Test
  void krylovSolversAloneMissTheConsistentSingularSystemTheProbeFindsIt() {
    for (var solver : List.of(LinearSolvers.cg(), LinearSolvers.gmres())) {
      ImplicitOptions symmetric = ImplicitOptions.defaults().withSymmetric(true);
      MultiInputFunction unprobed = Implicit.customRoot(FLAT, EVEN_SPLIT, solver, symmetric);
      // the right-hand side −∂L/∂x = −1 lies in range(11ᵀ): the solve converges and a number comes out
      assertDoesNotThrow(() -> AD.grad(t -> unprobed.apply(t).sum(), Tensor.scalar(1.0)), solver.toString());
      MultiInputFunction probed = Implicit.customRoot(FLAT, EVEN_SPLIT, solver, symmetric.withSingularityProbe(true));
      RuntimeException e = assertThrows(RuntimeException.class, () -> AD.grad(t -> probed.apply(t).sum(), Tensor.scalar(1.0)));
      assertTrue(e instanceof SingularMatrixException || e.getMessage().contains("singular"), e.toString());
      assertTrue(e.getMessage().contains("∂₁F is singular"), e.getMessage());
      // forward mode too
      assertThrows(RuntimeException.class, () -> AD.jvp(t -> probed.apply(t), Tensor.scalar(1.0), Tensor.scalar(1.0)));
    }
  }

  @Test
  void regularIllConditionedSystemsPassAndTheDerivativeIsUnchanged() {
    for (int seed = 0; seed < 4; seed++) {
      Random rng = new Random(seed);
      int n = 6;
      // Q = H diag(1 … 1e-5) H with H = I − 2vvᵀ/‖v‖² (a Householder reflection, orthogonal): κ = 1e5, SPD
      Tensor v = Tensor.randn(rng, n).reshape(n, 1);
      Tensor H = Tensor.eye(n).sub(v.matmul(v.T()).mul(2 / v.vdot(v)));
      double[] eig = new double[n];
      for (int i = 0; i < n; i++) eig[i] = Math.pow(10, -5.0 * i / (n - 1));
      Tensor Q = H.matmul(Tensor.of(eig).reshape(n, 1).mul(H));
      Tensor Qs = Q.add(Q.T()).mul(0.5);
      Optimality F = (x, th) -> Qs.matmul(x).sub(th[0]);
      RootSolver exact = th -> TestSolvers.gauss(Qs, th[0]);
      Tensor c = Tensor.randn(rng, n);
      List<ImplicitDiagnostics> seen = new ArrayList<>();
      MultiInputFunction plain = Implicit.customRoot(F, exact, LinearSolvers.gmres(), ImplicitOptions.defaults());
      MultiInputFunction probed = Implicit.customRoot(F, exact, LinearSolvers.gmres(), PROBED.withListener(seen::add));
      Tensor jPlain = AD.jacobian(t -> plain.apply(t), c, AD.Mode.REVERSE);
      Tensor jProbed = AD.jacobian(t -> probed.apply(t), c, AD.Mode.REVERSE);
      assertEquals(0, jPlain.sub(jProbed).abs().max().item(), 1e-6 * jPlain.abs().max().item(), "seed " + seed);
      // one solution, n reverse-mode rows (VJPs), one probe
      long probes = seen.stream().filter(d -> d.stage() == ImplicitDiagnostics.Stage.PROBE).count();
      long vjps = seen.stream().filter(d -> d.stage() == ImplicitDiagnostics.Stage.VJP).count();
      assertEquals(1, probes, "seed " + seed);
      assertEquals(n, vjps, "seed " + seed);
    }
  }

  @Test
  void theDefaultIsOffAndTheOptionRoundTrips() {
    assertFalse(ImplicitOptions.defaults().singularityProbe());
    assertTrue(PROBED.singularityProbe());
    assertTrue(PROBED.withSymmetric(true).withResidualTolerance(1e-8).withListener(d -> {}).singularityProbe());
  }
}

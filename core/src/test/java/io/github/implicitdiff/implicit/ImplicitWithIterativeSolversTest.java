package io.github.implicitdiff.implicit;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ridge hypergradient with the library's matrix-free solvers against the dense closed form. */
class ImplicitWithIterativeSolversTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void ridgeHypergradientWithCgAndGmres(long seed) {
    Random rng = new Random(seed);
    int n = 60, d = 12;
    Tensor X = Tensor.randn(rng, n, d), y = Tensor.randn(rng, n), Xv = Tensor.randn(rng, 30, d), yv = Tensor.randn(rng, 30);
    Optimality F = (w, th) -> X.T().matmul(X.matmul(w).sub(y)).div(n).add(th[0].mul(w));
    RootSolver exact = th -> TestSolvers.gauss(X.T().matmul(X).div(n).add(Tensor.eye(d).mul(th[0])), X.T().matmul(y).div(n));
    Tensor lam = Tensor.scalar(0.05);
    // closed form: dL/dλ = −(Xvᵀ(Xv w − yv)/m)ᵀ A⁻¹ w
    Tensor w = exact.solve(lam);
    Tensor A = X.T().matmul(X).div(n).add(Tensor.eye(d).mul(0.05));
    Tensor gv = Xv.T().matmul(Xv.matmul(w).sub(yv)).div(30);
    double expected = -gv.vdot(TestSolvers.gauss(A, w));
    for (LinearSolver ls : new LinearSolver[] {LinearSolvers.cg(), LinearSolvers.gmres()}) {
      ImplicitOptions opts = ImplicitOptions.defaults().withSymmetric(ls.requiresSymmetric());
      MultiInputFunction wStar = Implicit.customRoot(F, exact, ls, opts);
      double rev = AD.grad(l -> wStar.apply(l).matmul(Xv.T()).sub(yv).square().mean().mul(0.5), lam).item();
      double fwd = AD.jvp(l -> wStar.apply(l).matmul(Xv.T()).sub(yv).square().mean().mul(0.5), lam, Tensor.scalar(1.0))
          .outTangent().item();
      assertEquals(expected, rev, 1e-8 * Math.abs(expected), ls.getClass().getSimpleName());
      assertEquals(expected, fwd, 1e-8 * Math.abs(expected), ls.getClass().getSimpleName());
    }
  }
}

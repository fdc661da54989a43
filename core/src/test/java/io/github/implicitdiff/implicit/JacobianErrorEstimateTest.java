package io.github.implicitdiff.implicit;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JacobianErrorEstimateTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void ridgeBoundHoldsAndConstantsMatchClosedForm(long seed) {
    Random rng = new Random(seed);
    int n = 30, d = 5;
    Tensor X = Tensor.randn(rng, n, d), y = Tensor.randn(rng, n);
    double lam = 0.2;
    Optimality F = (w, th) -> X.T().matmul(X.matmul(w).sub(y)).div(n).add(th[0].mul(w));
    Tensor A = X.T().matmul(X).div(n).add(Tensor.eye(d).mul(lam));
    Tensor wStar = TestSolvers.gauss(A, X.T().matmul(y).div(n));
    Tensor exactJac = TestSolvers.gauss(A, wStar).neg().reshape(d, 1);
    for (double eps : new double[] {1e-1, 1e-3, 1e-6}) {
      Tensor wHat = wStar.add(Tensor.randn(rng, d).mul(eps));
      JacobianErrorEstimate e = JacobianErrorEstimate.at(F, wHat, Tensor.scalar(lam), TestSolvers.dense());
      double err = e.jacobian().sub(exactJac).norm2();
      // F is affine in w: the Newton step is exact, γ = 0, β = ‖∂(λw)/∂w‖ = 1
      assertEquals(wHat.sub(wStar).norm2(), e.distance(), 1e-9 * (1 + e.distance()));
      assertEquals(0, e.gamma(), 1e-9);
      assertEquals(1, e.beta(), 1e-9);
      assertTrue(err <= e.bound() * (1 + 1e-9) + 1e-14, "error " + err + " exceeds bound " + e.bound());
      assertTrue(err >= 1e-3 * e.bound(), "bound not vacuous: " + err + " vs " + e.bound());
    }
  }
}

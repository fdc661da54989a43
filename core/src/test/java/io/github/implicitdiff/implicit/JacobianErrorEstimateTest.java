package io.github.implicitdiff.implicit;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
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

  /** F(x; M, b, c, s) = M x − b − c ⊙ x³ − s·1, θ = (M (n×n), b (n), c (n), s scalar): nonlinear in x. */
  static final Optimality CUBIC = (x, th) -> th[0].matmul(x).sub(th[1]).sub(th[2].mul(x.pow(3))).sub(th[3]);

  /** A root of CUBIC by Newton's method with the reference elimination. */
  static Tensor root(Tensor M, Tensor b, Tensor c, Tensor s) {
    Tensor x = Tensor.zeros(b.size());
    for (int k = 0; k < 50; k++) x = x.sub(TestSolvers.gauss(jacobianInX(M, c, x), CUBIC.apply(x, M, b, c, s)));
    assertTrue(CUBIC.apply(x, M, b, c, s).norm2() < 1e-12);
    return x;
  }

  static Tensor diag(Tensor v) {
    return Tensor.eye(v.size()).mul(v.reshape(1, -1));
  }

  /** ∂₁F = M − 3 diag(c ⊙ x²). */
  static Tensor jacobianInX(Tensor M, Tensor c, Tensor x) {
    return M.sub(diag(c.mul(x.square()).mul(3)));
  }

  /** ∂₂F by hand: the columns of M (flat index i·n + j: e_i x_j), of b (−I), of c (−diag(x³)), of s (−1). */
  static Tensor jacobianInTheta(Tensor x) {
    int n = x.size();
    double[][] m = new double[n][n * n];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i][i * n + j] = x.get(j);
    return Tensor.concat(1, Tensor.of(m), Tensor.eye(n).neg(), diag(x.pow(3)).neg(), Tensor.ones(n, 1).neg());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void severalThetasStackTheirColumnsAndMatchTheClosedForm(long seed) {
    Random rng = new Random(seed);
    int n = 4;
    Tensor M = Tensor.eye(n).mul(3).add(Tensor.randn(rng, n, n).mul(0.3)), b = Tensor.randn(rng, n),
        c = Tensor.randn(rng, n).abs().mul(0.2), s = Tensor.scalar(0.4);
    Tensor xStar = root(M, b, c, s);
    Tensor xHat = xStar.add(Tensor.randn(rng, n).mul(1e-3));
    JacobianErrorEstimate e = JacobianErrorEstimate.at(CUBIC, xHat, LinearSolvers.lu(), M, b, c, s);
    // J(x̂) = −A(x̂)⁻¹ B(x̂), B the θ blocks side by side in the order of the θ's
    Tensor A = jacobianInX(M, c, xHat), B = jacobianInTheta(xHat);
    Tensor J = TestSolvers.gauss(A, B).neg();
    assertArrayEquals(new int[] {n, n * n + 2 * n + 1}, e.jacobian().shape());
    assertTrue(e.jacobian().allClose(J, 1e-10), e.jacobian() + " vs " + J);
    // R = ‖B‖₂ and δ = A⁻¹F(x̂) from the same closed forms
    assertEquals(TestSolvers.gauss(A, CUBIC.apply(xHat, M, b, c, s)).norm2(), e.distance(), 1e-12);
    double[][] bbt = B.matmul(B.T()).toArray2d();
    assertEquals(Math.sqrt(SingularValues.range(bbt)[0]), e.bNorm(), 1e-9 * e.bNorm());
    // and the bound covers the error against the Jacobian at the root, in the spectral norm of Theorem 1
    Tensor diff = e.jacobian().sub(TestSolvers.gauss(jacobianInX(M, c, xStar), jacobianInTheta(xStar)).neg());
    double err = SingularValues.range(diff.toArray2d())[0];
    assertTrue(err <= e.bound(), "error " + err + " exceeds bound " + e.bound());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void severalThetasAgreeWithOneFlatTheta(long seed) {
    Random rng = new Random(seed);
    int n = 3;
    Tensor M = Tensor.eye(n).mul(2).add(Tensor.randn(rng, n, n).mul(0.3)), b = Tensor.randn(rng, n),
        c = Tensor.randn(rng, n).abs().mul(0.2), s = Tensor.scalar(-0.3);
    Tensor xHat = root(M, b, c, s).add(Tensor.randn(rng, n).mul(1e-2));
    // the same F written on one θ: the concatenation of the flattened θ's
    int nn = n * n;
    Optimality flat = (x, th) -> CUBIC.apply(x, th[0].slice(0, 0, nn).reshape(n, n), th[0].slice(0, nn, nn + n),
        th[0].slice(0, nn + n, nn + 2 * n), th[0].index(0, nn + 2 * n));
    Tensor theta = Tensor.concat(0, M.reshape(-1), b, c, s.reshape(1));
    JacobianErrorEstimate one = JacobianErrorEstimate.at(flat, xHat, theta, LinearSolvers.lu());
    JacobianErrorEstimate many = JacobianErrorEstimate.at(CUBIC, xHat, LinearSolvers.lu(), M, b, c, s);
    assertTrue(many.jacobian().allClose(one.jacobian(), 1e-13));
    assertEquals(one.distance(), many.distance(), 1e-14);
    assertEquals(one.alpha(), many.alpha(), 1e-12);
    assertEquals(one.beta(), many.beta(), 1e-9 * (1 + one.beta()));
    assertEquals(one.gamma(), many.gamma(), 1e-9 * (1 + one.gamma()));
    assertEquals(one.bNorm(), many.bNorm(), 1e-12);
    assertEquals(one.bound(), many.bound(), 1e-9 * one.bound());
    assertTrue(one.bound() > 0);
  }

  @Test
  void missingThetasAreRefused() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> JacobianErrorEstimate.at(CUBIC, Tensor.zeros(2), LinearSolvers.lu()));
    assertTrue(e.getMessage().contains("at least one parameter tensor"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> JacobianErrorEstimate.at(CUBIC, Tensor.zeros(2), LinearSolvers.lu(), Tensor.eye(2), null));
  }
}

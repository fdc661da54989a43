package io.github.implicitdiff.implicit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How often customRoot evaluates F: once per call, for the residual check, which records F when θ is traced; a
 * first-order JVP or VJP of that call evaluates it no more (the recording serves every product with ∂₁F and the
 * one with ∂₂F). The derivatives are checked against the ridge closed form for θ = (λ per feature, y), each alone
 * and both.
 */
class ImplicitEvaluationCountTest {
  private record Setup(Tensor X, Tensor y, Tensor lam, int n, int d) {
    Tensor gram() {
      return X.T().matmul(X).div(n).add(Tensor.eye(d).mul(lam.reshape(1, -1)));
    }

    Tensor solve(Tensor lam, Tensor y) {
      Tensor A = X.T().matmul(X).div(n).add(Tensor.eye(d).mul(lam.reshape(1, -1)));
      return TestSolvers.gauss(A, X.T().matmul(y).div(n));
    }
  }

  private static Setup setup(long seed) {
    Random rng = new Random(seed);
    int n = 12 + (int) seed, d = 4;
    return new Setup(Tensor.randn(rng, n, d), Tensor.randn(rng, n), Tensor.rand(rng, d).add(0.2), n, d);
  }

  private static MultiInputFunction layer(Setup s, AtomicInteger evaluations, LinearSolver linearSolver) {
    Optimality F = (w, th) -> {
      evaluations.incrementAndGet();
      return s.X().T().matmul(s.X().matmul(w).sub(th[1])).div(s.n()).add(th[0].mul(w));
    };
    return Implicit.customRoot(F, th -> s.solve(th[0], th[1]), linearSolver);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gmres", "cg", "lu"})
  void oneEvaluationPerCallWithItsFirstOrderDerivative(String solverName) {
    for (long seed = 1; seed <= 3; seed++) {
      Setup s = setup(seed);
      LinearSolver linear = switch (solverName) {
        case "cg" -> LinearSolvers.cg().withTol(1e-12);
        case "lu" -> LinearSolvers.lu();
        default -> LinearSolvers.gmres().withTol(1e-12);
      };
      AtomicInteger evaluations = new AtomicInteger();
      MultiInputFunction wStar = layer(s, evaluations, linear);
      Tensor w = s.solve(s.lam(), s.y());
      Tensor Ainv = TestSolvers.gauss(s.gram(), Tensor.eye(s.d()));
      Tensor u = Tensor.randn(new Random(seed + 100), s.d());

      wStar.apply(s.lam(), s.y());
      assertEquals(1, evaluations.getAndSet(0), "a primal call evaluates F once (the residual check)");

      // VJP in λ alone: uᵀ ∂w/∂λ = −(A⁻¹u) ⊙ w
      Tensor expectedLam = Ainv.matmul(u).mul(w).neg();
      Tensor gLam = AD.grad(l -> wStar.apply(l, s.y()).mul(u).sum(), s.lam());
      assertEquals(1, evaluations.getAndSet(0), "a call and its VJP evaluate F once");
      assertTrue(gLam.allClose(expectedLam, 1e-9), solverName + " seed " + seed + ": " + gLam + " vs " + expectedLam);

      // VJP in y alone: uᵀ ∂w/∂y = X A⁻¹u / n
      Tensor expectedY = s.X().matmul(Ainv.matmul(u)).div(s.n());
      Tensor gY = AD.grad(y -> wStar.apply(s.lam(), y).mul(u).sum(), s.y());
      assertEquals(1, evaluations.getAndSet(0));
      assertTrue(gY.allClose(expectedY, 1e-9), solverName + " seed " + seed + " y: " + gY + " vs " + expectedY);

      // both at once
      Tensor[] both = AD.gradAll(in -> wStar.apply(in[0], in[1]).mul(u).sum(), s.lam(), s.y());
      assertEquals(1, evaluations.getAndSet(0));
      assertTrue(both[0].allClose(expectedLam, 1e-9) && both[1].allClose(expectedY, 1e-9), "gradAll " + solverName);

      // JVP in (λ, y) along (a, b): ∂w = −A⁻¹(a ⊙ w) + A⁻¹Xᵀb/n
      Tensor a = Tensor.randn(new Random(seed + 200), s.d()), b = Tensor.randn(new Random(seed + 300), s.n());
      Tensor expectedJvp = Ainv.matmul(s.X().T().matmul(b).div(s.n()).sub(a.mul(w)));
      if (!solverName.equals("cg")) { // CG's JVP also spends two products on the symmetry check, no evaluation
        Tensor jvp = AD.jvp(in -> new Tensor[] {wStar.apply(in[0], in[1])}, new Tensor[] {s.lam(), s.y()},
            new Tensor[] {a, b}).outTangent();
        assertEquals(1, evaluations.getAndSet(0), "a call and its JVP evaluate F once");
        assertTrue(jvp.allClose(expectedJvp, 1e-9), solverName + " JVP " + jvp + " vs " + expectedJvp);
      }
    }
  }

  /** Two calls at different θ in one recorded function: each call's VJP uses its own recording, not the other's. */
  @ParameterizedTest
  @ValueSource(strings = {"gmres", "lu"})
  void eachCallsDerivativeUsesItsOwnRecording(String solverName) {
    Setup s = setup(4);
    AtomicInteger evaluations = new AtomicInteger();
    LinearSolver linear = solverName.equals("lu") ? LinearSolvers.lu() : LinearSolvers.gmres().withTol(1e-12);
    MultiInputFunction wStar = layer(s, evaluations, linear);
    Tensor u = Tensor.randn(new Random(7), s.d());
    Tensor g = AD.grad(l -> wStar.apply(l, s.y()).mul(u).sum().add(wStar.apply(l.mul(2), s.y()).mul(u).sum()), s.lam());
    assertEquals(2, evaluations.get(), "two calls, no evaluation for their VJPs");
    // d/dλ [uᵀw(λ) + uᵀw(2λ)] = −(A(λ)⁻¹u) ⊙ w(λ) − 2 (A(2λ)⁻¹u) ⊙ w(2λ)
    Tensor lam2 = s.lam().mul(2);
    Setup s2 = new Setup(s.X(), s.y(), lam2, s.n(), s.d());
    Tensor expected = TestSolvers.gauss(s.gram(), u).mul(s.solve(s.lam(), s.y())).neg()
        .sub(TestSolvers.gauss(s2.gram(), u).mul(s.solve(lam2, s.y())).mul(2));
    assertTrue(g.allClose(expected, 1e-9), solverName + ": " + g + " vs " + expected);
  }
}

package io.github.implicitdiff.autodiff;

import static io.github.implicitdiff.autodiff.GradientCheck.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.Cholesky;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** AD.linearize: one recorded evaluation whose pushforward is f's JVP and whose pullback is f's VJP. */
class LinearizeTest {
  /**
   * Two inputs (a matrix and a vector), two outputs, through products, broadcasting, reductions, slices,
   * gathers, piecewise ops and a constant that does not depend on the inputs.
   */
  private static Tensor[] f(Tensor[] in, Tensor C) {
    Tensor M = in[0], v = in[1];
    Tensor h = M.matmul(v).tanh().add(C.matmul(v.exp()));                  // (m)
    Tensor p = M.mul(v.reshape(1, -1)).softmax(1).sum(0);                  // (n)
    Tensor s = h.slice(0, 1, h.dim(0)).maximum(0.1).mul(p.take(new int[] {0, 2, 1}, 0).sum());
    Tensor q = Tensor.where(v.gt(0), v.square(), v.sin()).cumsum(0).logsumexp(0);
    return new Tensor[] {s.add(q), C.sum(1)};
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 2, 3, 4, 5, 6, 7})
  void pushforwardIsTheJvpAndPullbackTheVjp(long seed) {
    Random rng = new Random(seed);
    int m = 4 + (int) seed % 3, n = 3 + (int) seed % 4;
    Tensor C = Tensor.randn(rng, m, n);
    Tensor M = Tensor.randn(rng, m, n), v = Tensor.randn(rng, n);
    AtomicInteger calls = new AtomicInteger();
    MultiFunction g = in -> {
      calls.incrementAndGet();
      return f(in, C);
    };
    Linearization lin = AD.linearize(g, M, v);
    assertEquals(1, calls.get());
    for (int k = 0; k < 3; k++) {
      Tensor dM = Tensor.randn(rng, m, n), dv = Tensor.randn(rng, n);
      Tensor[] expected = AD.jvp(in -> f(in, C), new Tensor[] {M, v}, new Tensor[] {dM, dv}).tangent();
      Tensor[] actual = lin.pushforward().apply(dM, dv);
      assertClose("output 0 tangent, seed " + seed, expected[0], actual[0], 1e-13);
      // the second output does not depend on the inputs: a zero tangent of its shape
      assertClose("constant output tangent", Tensor.zeros(m), actual[1], 0);
      Tensor g0 = Tensor.randn(rng, m - 1), g1 = Tensor.randn(rng, m);
      Tensor[] vjp = AD.vjp((MultiFunction) in -> f(in, C), M, v).pullback().apply(g0, g1);
      Tensor[] pulled = lin.pullback().apply(g0, g1);
      assertClose("d/dM", vjp[0], pulled[0], 1e-13);
      assertClose("d/dv", vjp[1], pulled[1], 1e-13);
      // the two maps are each other's transposes: ⟨g, J t⟩ = ⟨Jᵀ g, t⟩
      double lhs = g0.vdot(actual[0]);
      double rhs = pulled[0].vdot(dM) + pulled[1].vdot(dv);
      assertEquals(lhs, rhs, 1e-12 * (1 + Math.abs(lhs)));
    }
    assertEquals(1, calls.get(), "pushforwards and pullbacks must not evaluate f again");
    assertClose("value", f(new Tensor[] {M, v}, C)[0], lin.out(), 0);
  }

  @Test
  void pushforwardIsLinearAndMatchesFiniteDifferences() {
    Random rng = new Random(11);
    Tensor x = Tensor.randn(rng, 5);
    MultiFunction g = in -> new Tensor[] {in[0].exp().mul(in[0].sin()).cumsum(0).sigmoid()};
    Linearization lin = AD.linearize(g, x);
    Tensor t1 = Tensor.randn(rng, 5), t2 = Tensor.randn(rng, 5);
    Tensor combined = lin.pushforward().apply(t1.mul(2).sub(t2.mul(3)))[0];
    Tensor separate = lin.pushforward().apply(t1)[0].mul(2).sub(lin.pushforward().apply(t2)[0].mul(3));
    assertClose("linearity", separate, combined, 1e-13);
    double h = 1e-6;
    Tensor fd = g.apply(new Tensor[] {x.add(t1.mul(h))})[0].sub(g.apply(new Tensor[] {x.sub(t1.mul(h))})[0]).div(2 * h);
    assertClose("central differences", fd, lin.pushforward().apply(t1)[0], 1e-8);
  }

  @Test
  void anOutputThatIsAnInputPassesItsTangentThrough() {
    Linearization lin = AD.linearize(in -> new Tensor[] {in[0], in[1].mul(2)}, Tensor.of(1, 2), Tensor.of(3));
    Tensor[] t = lin.pushforward().apply(Tensor.of(5, 6), Tensor.of(7));
    assertClose("identity", Tensor.of(5, 6), t[0], 0);
    assertClose("scaled", Tensor.of(14), t[1], 0);
  }

  /** Under an outer trace the pushforward differentiates again: d/dx ⟨∂f(x)·t, w⟩ = (∇²⟨f, w⟩) t. */
  @Test
  void pushforwardDifferentiatesUnderAnOuterTrace() {
    Random rng = new Random(3);
    Tensor x = Tensor.randn(rng, 4), t = Tensor.randn(rng, 4), w = Tensor.randn(rng, 4);
    TensorFunction f = z -> z.tanh().cumsum(0).mul(z.sum());
    Tensor viaLinearize = AD.grad(z -> AD.linearize(in -> new Tensor[] {f.apply(in[0])}, z).pushforward().apply(t)[0].mul(w).sum(),
        x);
    Tensor viaHvp = AD.hvp(z -> f.apply(z).mul(w).sum(), x, t);
    assertClose("second derivative through the pushforward", viaHvp, viaLinearize, 1e-12);
  }

  /**
   * The ridge solution w*(λ), one λ per feature, F(w, λ) = Xᵀ(Xw − y)/n + λ ⊙ w, solved by Cholesky (each solve
   * counted) and differentiated implicitly with GMRES.
   */
  private static MultiInputFunction ridgeLayer(Tensor X, Tensor y, AtomicInteger solves) {
    int n = X.dim(0), d = X.dim(1);
    Optimality F = (w, th) -> X.T().matmul(X.matmul(w).sub(y)).div(n).add(th[0].mul(w));
    return Implicit.customRoot(F, th -> {
      solves.incrementAndGet();
      return Cholesky.factor(X.T().matmul(X).div(n).add(Tensor.eye(d).mul(th[0]))).solve(X.T().matmul(y).div(n));
    }, LinearSolvers.gmres(), ImplicitOptions.defaults());
  }

  /**
   * An implicit layer inside f: the solver runs once for the linearization, and each pushforward is one
   * linear solve (the ridge Jacobian ∂w/∂λ = −(XᵀX/n + λI)⁻¹ w in closed form).
   */
  @Test
  void throughAnImplicitLayerTheSolverRunsOnce() {
    Random rng = new Random(5);
    int n = 30, d = 4;
    Tensor X = Tensor.randn(rng, n, d), y = Tensor.randn(rng, n);
    AtomicInteger solves = new AtomicInteger();
    MultiInputFunction wStar = ridgeLayer(X, y, solves);
    Tensor lam = Tensor.of(0.3, 0.1, 0.2, 0.4);
    Linearization lin = AD.linearize(in -> new Tensor[] {wStar.apply(in[0])}, lam);
    assertEquals(1, solves.get());
    Tensor A = X.T().matmul(X).div(n).add(Tensor.eye(d).mul(lam.reshape(1, -1)));   // XᵀX/n + diag(λ)
    Tensor w = lin.out();
    for (int j = 0; j < d; j++) {
      Tensor e = AD.basis(new int[] {d}, j);
      Tensor expected = Cholesky.factor(A).solve(e.mul(w)).neg();                // −A⁻¹ diag(w) e_j
      assertClose("column " + j, expected, lin.pushforward().apply(e)[0], 1e-9);
    }
    assertEquals(1, solves.get(), "each pushforward is a linear solve, not a re-solve");
  }

  /** AD.jacobian(FORWARD) and AD.hessian record f once: a solver inside runs once, not once per column. */
  @Test
  void forwardJacobiansAndHessiansSolveOnce() {
    Random rng = new Random(8);
    int n = 25, d = 3;
    Tensor X = Tensor.randn(rng, n, d), y = Tensor.randn(rng, n), Xv = Tensor.randn(rng, n, d), yv = Tensor.randn(rng, n);
    AtomicInteger solves = new AtomicInteger();
    MultiInputFunction wStar = ridgeLayer(X, y, solves);
    Tensor lam = Tensor.of(0.3, 0.1, 0.2);
    Tensor J = AD.jacobian(l -> wStar.apply(l), lam, AD.Mode.FORWARD);
    assertEquals(1, solves.get());
    assertClose("forward Jacobian = reverse Jacobian", AD.jacobian(l -> wStar.apply(l), lam, AD.Mode.REVERSE), J, 1e-9);
    solves.set(0);
    TensorFunction valLoss = l -> Xv.matmul(wStar.apply(l)).sub(yv).square().mean();
    Tensor H = AD.hessian(valLoss, lam);
    assertEquals(1, solves.get());
    double h = 1e-5;
    for (int j = 0; j < d; j++) {
      Tensor e = AD.basis(new int[] {d}, j).mul(h);
      Tensor fd = AD.grad(valLoss, lam.add(e)).sub(AD.grad(valLoss, lam.sub(e))).div(2 * h);
      assertClose("Hessian column " + j + " vs differences of gradients", fd, H.index(1, j), 1e-6);
    }
  }

  @Test
  void badTangentsAreRejectedByName() {
    Linearization lin = AD.linearize(in -> new Tensor[] {in[0].exp()}, Tensor.of(1, 2));
    ShapeException shape = assertThrows(ShapeException.class, () -> lin.pushforward().apply(Tensor.of(1, 2, 3)));
    assertTrue(shape.getMessage().contains("pushforward: input 0 has shape"), shape.getMessage());
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
        () -> lin.pushforward().apply(Tensor.of(1, 2), Tensor.of(1, 2)));
    assertTrue(count.getMessage().contains("1 inputs but 2 tangents"), count.getMessage());
    NonFiniteException nan = assertThrows(NonFiniteException.class, () -> lin.pushforward().apply(Tensor.of(1, Double.NaN)));
    assertTrue(nan.getMessage().contains("pushforward: tangent 0"), nan.getMessage());
    assertThrows(NonFiniteException.class, () -> AD.linearize(in -> in, Tensor.of(Double.POSITIVE_INFINITY)));
    IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> lin.pullback().apply((Tensor) null));
    assertTrue(nul.getMessage().contains("cotangent 0 is null"), nul.getMessage());
  }
}

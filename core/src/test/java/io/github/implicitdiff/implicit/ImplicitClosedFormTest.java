package io.github.implicitdiff.implicit;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiFunction;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Implicit derivatives against closed forms (ridge, softmax by KKT, equality QP, tanh fixed point). */
class ImplicitClosedFormTest {
  static final LinearSolver SOLVER = TestSolvers.dense();

  static Tensor solveDense(Tensor A, Tensor b) {
    return TestSolvers.gauss(A, b);
  }

  // ---------------------------------------------------------------- ridge

  record Ridge(Tensor X, Tensor y, int n, int d) {
    static Ridge random(long seed, int n, int d) {
      Random rng = new Random(seed);
      return new Ridge(Tensor.randn(rng, n, d), Tensor.randn(rng, n), n, d);
    }

    Tensor gram(Tensor lam) { // XᵀX/n + diag(λ)
      Tensor G = X.T().matmul(X).div(n);
      return lam.ndim() == 0 ? G.add(Tensor.eye(d).mul(lam)) : G.add(Tensor.eye(d).mul(lam.reshape(1, -1)));
    }

    Tensor closedForm(Tensor lam) {
      return solveDense(gram(lam), X.T().matmul(y).div(n));
    }

    Optimality F() {
      return (w, th) -> X.T().matmul(X.matmul(w).sub(y)).div(n).add(th[0].mul(w));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void ridgeScalarLambdaBothModes(long seed) {
    Ridge r = Ridge.random(seed, 30, 6);
    Tensor lam = Tensor.scalar(0.3 + 0.1 * seed);
    MultiInputFunction wStar = Implicit.customRoot(r.F(), th -> r.closedForm(th[0]), SOLVER);
    Tensor w = r.closedForm(lam);
    Tensor expected = solveDense(r.gram(lam), w).neg(); // ∂w/∂λ = −(XᵀX/n + λI)⁻¹ w
    Tensor fwd = AD.jacobian(l -> wStar.apply(l), lam, AD.Mode.FORWARD);
    Tensor rev = AD.jacobian(l -> wStar.apply(l), lam, AD.Mode.REVERSE);
    assertTrue(fwd.allClose(expected, 1e-10), "forward " + fwd + " vs " + expected);
    assertTrue(rev.allClose(expected, 1e-10), "reverse " + rev + " vs " + expected);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void ridgePerFeatureLambdaJacobian(long seed) {
    Ridge r = Ridge.random(seed, 25, 5);
    Tensor lam = Tensor.uniform(new Random(seed + 10), 0.1, 1.0, 5);
    MultiInputFunction wStar = Implicit.customRoot(r.F(), th -> r.closedForm(th[0]), SOLVER);
    Tensor w = r.closedForm(lam);
    // ∂w/∂λ_j = −A⁻¹ e_j w_j, i.e. J = −A⁻¹ diag(w)
    Tensor Ainv = solveDense(r.gram(lam), Tensor.eye(5));
    Tensor expected = Ainv.mul(w.reshape(1, -1)).neg();
    assertTrue(AD.jacobian(l -> wStar.apply(l), lam, AD.Mode.FORWARD).allClose(expected, 1e-10));
    assertTrue(AD.jacobian(l -> wStar.apply(l), lam, AD.Mode.REVERSE).allClose(expected, 1e-10));
    // a transposed Jacobian would fail: the matrix is not symmetric
    assertFalse(expected.allClose(expected.T(), 1e-6));
  }

  // ---------------------------------------------------------------- softmax as a KKT solution

  /** max xᵀθ + H(x) on the simplex; unknowns (x, ν, μ); F from stationarity, primal feasibility, μ ⊙ x = 0. */
  static MultiFunction softmaxByKkt(LinearSolver ls) {
    TupleOptimality F = (z, th) -> {
      Tensor x = z[0], nu = z[1], mu = z[2];
      Tensor stationarity = th[0].sub(x.log()).sub(1.0).sub(nu).add(mu);
      Tensor primal = x.sum().sub(1.0).reshape(1);
      Tensor slackness = mu.mul(x);
      return new Tensor[] {stationarity, primal, slackness};
    };
    TupleRootSolver solver = th -> {
      Tensor p = th[0].softmax(0); // any solver will do; here the known solution
      Tensor nu = th[0].logsumexp().sub(1.0).reshape(1);
      return new Tensor[] {p, nu, Tensor.zerosLike(p)};
    };
    return Implicit.customRoot(F, solver, ls);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void softmaxKktJacobianIsDiagPMinusPPt(long seed) {
    Tensor theta = Tensor.randn(new Random(seed), 5);
    MultiFunction f = softmaxByKkt(SOLVER);
    Tensor p = theta.softmax(0);
    Tensor expected = Tensor.eye(5).mul(p).sub(p.outer(p));
    Tensor jf = AD.jacobian(t -> f.apply(t)[0], theta, AD.Mode.FORWARD);
    Tensor jr = AD.jacobian(t -> f.apply(t)[0], theta, AD.Mode.REVERSE);
    assertTrue(jf.allClose(expected, 1e-10), jf.toString());
    assertTrue(jr.allClose(expected, 1e-10), jr.toString());
  }

  // ---------------------------------------------------------------- equality-constrained QP

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void equalityQpDerivativesMatchInverseKkt(long seed) {
    Random rng = new Random(seed);
    int n = 5, p = 2;
    Tensor M = Tensor.randn(rng, n, n);
    Tensor Q = M.matmul(M.T()).add(Tensor.eye(n));
    Tensor A = Tensor.randn(rng, p, n);
    Tensor c = Tensor.randn(rng, n), b = Tensor.randn(rng, p);
    Tensor K = Tensor.concat(0, Tensor.concat(1, Q, A.T()), Tensor.concat(1, A, Tensor.zeros(p, p)));
    Tensor Kinv = solveDense(K, Tensor.eye(n + p));
    TupleOptimality F = (z, th) -> new Tensor[] {
        Q.matmul(z[0]).add(th[0]).add(A.T().matmul(z[1])), A.matmul(z[0]).sub(th[1])};
    TupleRootSolver solver = th -> {
      Tensor sol = solveDense(K, Tensor.concat(0, th[0].neg(), th[1]));
      return new Tensor[] {sol.slice(0, 0, n), sol.slice(0, n, n + p)};
    };
    MultiFunction qp = Implicit.customRoot(F, solver, SOLVER);
    // [x; ν] = K⁻¹ [−c; b]  ⇒  ∂x/∂c = −K⁻¹[:n, :n],  ∂x/∂b = K⁻¹[:n, n:]
    Tensor dxdc = AD.jacobian(cc -> qp.apply(cc, b)[0], c, AD.Mode.REVERSE);
    Tensor dxdb = AD.jacobian(bb -> qp.apply(c, bb)[0], b, AD.Mode.FORWARD);
    assertTrue(dxdc.allClose(Kinv.slice(0, 0, n).slice(1, 0, n).neg(), 1e-10));
    assertTrue(dxdb.allClose(Kinv.slice(0, 0, n).slice(1, n, n + p), 1e-10));
  }

  // ---------------------------------------------------------------- fixed point z = tanh(Wz + x)

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void tanhFixedPointJacobian(long seed) {
    Random rng = new Random(seed);
    int n = 6;
    Tensor W = Tensor.randn(rng, n, n);
    W = W.div(W.norm2() * 1.5); // ‖W‖₂ ≤ ‖W‖_F < 1: a contraction
    Tensor Wf = W;
    Tensor x = Tensor.randn(rng, n);
    FixedPointMap T = (z, th) -> Wf.matmul(z).add(th[0]).tanh();
    RootSolver iterate = th -> {
      Tensor z = Tensor.zeros(n);
      for (int k = 0; k < 200; k++) z = T.apply(z, th);
      return z;
    };
    MultiInputFunction zStar = Implicit.customFixedPoint(T, iterate, SOLVER);
    Tensor z = iterate.solve(x);
    Tensor D = Tensor.eye(n).mul(z.square().rsub(1.0)); // diag(1 − z²)
    Tensor expected = solveDense(Tensor.eye(n).sub(D.matmul(W)), D);
    assertTrue(AD.jacobian(xx -> zStar.apply(xx), x, AD.Mode.FORWARD).allClose(expected, 1e-10));
    assertTrue(AD.jacobian(xx -> zStar.apply(xx), x, AD.Mode.REVERSE).allClose(expected, 1e-10));
  }
}

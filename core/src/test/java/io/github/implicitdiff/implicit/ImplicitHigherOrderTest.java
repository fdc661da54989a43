package io.github.implicitdiff.implicit;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Second derivatives through customRoot, in every mode combination, against finite differences. */
class ImplicitHigherOrderTest {
  /** A nonlinear root: F(x, θ) = x + 0.3 tanh(Mx) − θ ⊙ a − b (∂₁F = I + 0.3 diag(1 − t²) M, nonsymmetric). */
  static final class Problem {
    final Tensor M, a, b;
    final int n;

    Problem(long seed, int n) {
      Random rng = new Random(seed);
      this.n = n;
      Tensor m = Tensor.randn(rng, n, n);
      this.M = m.div(m.norm2());
      this.a = Tensor.randn(rng, n);
      this.b = Tensor.randn(rng, n);
    }

    Optimality F() {
      return (x, th) -> x.add(M.matmul(x).tanh().mul(0.3)).sub(th[0].mul(a)).sub(b);
    }

    /** Newton's method on concrete values (independent of the implicit layer). */
    Tensor solve(Tensor theta) {
      Tensor x = Tensor.zeros(n);
      for (int k = 0; k < 50; k++) {
        Tensor xx = x;
        Tensor r = F().apply(xx, theta);
        if (r.norm2() < 1e-14) break;
        Tensor J = AD.jacobian(z -> F().apply(z, theta), xx);
        x = x.sub(TestSolvers.gauss(J, r));
      }
      return x;
    }

    /** Outer loss L(θ) = Σ sin(x*(θ)) + ½‖x*‖². */
    double loss(Tensor theta) {
      Tensor x = solve(theta);
      return x.sin().sum().add(x.square().sum().mul(0.5)).item();
    }
  }

  static double[] fdGradient(Problem p, Tensor theta, double h) {
    double[] t = theta.toDoubleArray(), g = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      double[] up = t.clone(), dn = t.clone();
      up[i] += h;
      dn[i] -= h;
      g[i] = (p.loss(Tensor.fromArray(up, theta.shape())) - p.loss(Tensor.fromArray(dn, theta.shape()))) / (2 * h);
    }
    return g;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void gradientMatchesFiniteDifferences(long seed) {
    Problem p = new Problem(seed, 4);
    MultiInputFunction xStar = Implicit.customRoot(p.F(), th -> p.solve(th[0]), TestSolvers.dense());
    Tensor theta = Tensor.scalar(0.7);
    Tensor g = AD.grad(t -> {
      Tensor x = xStar.apply(t);
      return x.sin().sum().add(x.square().sum().mul(0.5));
    }, theta);
    double fd = fdGradient(p, theta, 1e-5)[0];
    assertEquals(fd, g.item(), 1e-7 * (1 + Math.abs(fd)));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void hessianThroughRootInAllModes(long seed) {
    Problem p = new Problem(seed, 4);
    MultiInputFunction xStar = Implicit.customRoot(p.F(), th -> p.solve(th[0]), TestSolvers.dense());
    // θ is a vector here: θ ⊙ a with θ of shape (n,)
    Tensor theta = Tensor.uniform(new Random(seed), 0.2, 0.9, 4);
    io.github.implicitdiff.autodiff.TensorFunction L = t -> {
      Tensor x = xStar.apply(t);
      return x.sin().sum().add(x.square().sum().mul(0.5));
    };
    Tensor hFwdRev = AD.hessian(L, theta); // forward over reverse
    Tensor hRevRev = AD.jacobian(t -> AD.grad(L, t), theta, AD.Mode.REVERSE); // reverse over reverse
    Tensor hFwdFwd = AD.jacobian(t -> AD.jacobian(L, t, AD.Mode.FORWARD), theta, AD.Mode.FORWARD);
    // reference: central differences of the (closed-form-free) FD-checked gradient
    double h = 1e-4;
    double[][] ref = new double[4][4];
    for (int j = 0; j < 4; j++) {
      double[] up = theta.toDoubleArray(), dn = theta.toDoubleArray();
      up[j] += h;
      dn[j] -= h;
      double[] gu = AD.grad(L, Tensor.of(up)).toDoubleArray(), gd = AD.grad(L, Tensor.of(dn)).toDoubleArray();
      for (int i = 0; i < 4; i++) ref[i][j] = (gu[i] - gd[i]) / (2 * h);
    }
    Tensor R = Tensor.of(ref);
    assertTrue(hFwdRev.allClose(R, 1e-6), "fwd-over-rev " + hFwdRev + " vs " + R);
    assertTrue(hRevRev.allClose(R, 1e-6), "rev-over-rev");
    assertTrue(hFwdFwd.allClose(R, 1e-6), "fwd-over-fwd");
    assertTrue(hFwdRev.allClose(hFwdRev.T(), 1e-9), "Hessian symmetric");
  }
}

package io.github.implicitdiff.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.implicit.JacobianErrorEstimate;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.Newton;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Program 8: the Theorem 1 error bar of {@link JacobianErrorEstimate} at inexact solutions x̂ = x* + εu of a
 * nonlinear condition whose ∂₁F and ∂₂F both depend on x, F(x, θ) = Ax + x³ − sin(x) ⊙ Mθ − c: the bound
 * must hold against the true error ‖J(x̂) − ∂x*‖₂, the true Jacobian from central differences of re-solves.
 */
class JacobianErrorBoundExample {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void boundHoldsAgainstTheTrueError(long seed) {
    Random rng = new Random(seed);
    int n = 5, p = 3;
    Tensor R = Tensor.randn(rng, n, n), A = R.T().matmul(R).div(n).add(Tensor.eye(n)), M = Tensor.randn(rng, n, p).mul(0.3);
    Tensor c = Tensor.randn(rng, n), theta = Tensor.randn(rng, p);
    Optimality F = (x, th) -> A.matmul(x).add(x.pow(3)).sub(x.sin().mul(M.matmul(th[0]))).sub(c);
    // F is the gradient of φ(x) = ½xᵀAx + Σx⁴/4 + Σcos(x) ⊙ Mθ − cᵀx; Newton on φ finds x* from anywhere
    // (Broyden, which has no line search, diverged from 0 for seed 1)
    Objective phi = (x, th) -> A.matmul(x).mul(x).sum().mul(0.5).add(x.pow(4).sum().div(4)).add(x.cos().mul(M.matmul(th[0])).sum())
        .sub(c.matmul(x));
    Newton solver = Newton.of(phi).withTol(1e-14);
    Tensor xStar = solver.run(Tensor.zeros(n), theta).orThrow();
    Tensor trueJac = Fd.jacobian(t -> solver.run(xStar, t).orThrow(), theta, 1e-6);

    Tensor u = Tensor.randn(rng, n);
    u = u.div(u.norm2());
    for (double eps : new double[] {1e-1, 1e-2, 1e-3}) {
      Tensor xHat = xStar.add(u.mul(eps));
      JacobianErrorEstimate e = JacobianErrorEstimate.at(F, xHat, theta, LinearSolvers.lu());
      double err = spectralNorm(e.jacobian().sub(trueJac));
      System.out.printf("theorem1 seed %d eps %.0e  true error %.3e  bound %.3e  (ratio %.2f)  distance %.3e%n", seed, eps, err,
          e.bound(), err / e.bound(), e.distance());
      assertTrue(err <= e.bound(), "error " + err + " exceeds the bound " + e.bound() + " at eps " + eps);
      assertTrue(err >= 1e-2 * e.bound(), "bound not vacuous: " + err + " vs " + e.bound());
      assertEquals(eps, e.distance(), 0.2 * eps, "the Newton step estimates ‖x̂ − x*‖");
    }
  }

  /** ‖E‖₂ by power iteration on EᵀE (E small). */
  static double spectralNorm(Tensor E) {
    Tensor v = Tensor.ones(E.dim(1));
    double s = 0;
    for (int k = 0; k < 500; k++) {
      Tensor w = E.T().matmul(E.matmul(v));
      s = Math.sqrt(w.norm2());
      v = w.div(w.norm2());
    }
    return s;
  }
}

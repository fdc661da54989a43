package io.github.implicitdiff.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.FixedPointMap;
import io.github.implicitdiff.linalg.Lu;
import io.github.implicitdiff.solver.AndersonAcceleration;
import io.github.implicitdiff.solver.FixedPointIteration;
import io.github.implicitdiff.solver.Optimizer;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Program 3: an equilibrium layer z* = tanh(W z* + U x + b) solved by Anderson acceleration (and plain
 * fixed-point iteration); the gradient of a loss in W and U against central differences of re-solves, and
 * the Jacobian of z* in x by forward mode against the closed form (I − D W)⁻¹ D U, D = diag(1 − z*²).
 */
class EquilibriumLayerExample {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void gradientsAndForwardJacobianMatchReferences(long seed) {
    Random rng = new Random(seed);
    int h = 6, k = 3;
    Tensor W = Tensor.randn(rng, h, h).mul(0.6 / Math.sqrt(h)), U = Tensor.randn(rng, h, k), b = Tensor.randn(rng, h).mul(0.1);
    Tensor x = Tensor.randn(rng, k), c = Tensor.randn(rng, h);
    FixedPointMap T = (z, th) -> th[0].matmul(z).add(th[1].matmul(th[2])).add(th[3]).tanh();   // θ = (W, U, x, b)
    for (Optimizer<?> solver : new Optimizer<?>[] {AndersonAcceleration.of(T).withTol(1e-13),
        FixedPointIteration.of(T).withTol(1e-13)}) {
      Tensor z0 = Tensor.zeros(h);
      Tensor[] g = AD.gradAll(th -> loss(solver.run(z0, th).orThrow(), c), W, U, x, b);
      Tensor gW = Fd.gradient(ww -> loss(solver.run(z0, ww, U, x, b).orThrow(), c), W, 1e-6);
      Tensor gU = Fd.gradient(uu -> loss(solver.run(z0, W, uu, x, b).orThrow(), c), U, 1e-6);

      Tensor jx = AD.jacobian(xx -> solver.run(z0, W, U, xx, b).orThrow(), x, AD.Mode.FORWARD);
      Tensor z = solver.run(z0, W, U, x, b).orThrow();
      Tensor D = Tensor.eye(h).mul(z.square().rsub(1));
      Lu lu = Lu.factor(Tensor.eye(h).sub(D.matmul(W)));
      Tensor DU = D.matmul(U);
      Tensor[] cols = new Tensor[k];
      for (int j = 0; j < k; j++) cols[j] = lu.solve(DU.slice(1, j, j + 1).reshape(h)).reshape(h, 1);   // Lu.solve takes vectors only
      Tensor closed = Tensor.concat(1, cols);

      double eW = Fd.relativeError(g[0], gW), eU = Fd.relativeError(g[1], gU), eJ = Fd.relativeError(jx, closed);
      System.out.printf("deq %s seed %d  rel.err grad W %.1e U %.1e  forward dz/dx %.1e%n", solver.name(), seed, eW, eU, eJ);
      assertTrue(eW < 1e-6 && eU < 1e-6, solver.name() + ": gradient errors W " + eW + " U " + eU);
      assertTrue(eJ < 1e-9, solver.name() + ": forward Jacobian error " + eJ);
    }
  }

  static Tensor loss(Tensor z, Tensor c) {
    return z.mul(c).sum().add(z.square().sum());
  }
}

package io.github.implicitdiff.projection;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.examples.Fd;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The second-order cone projection: cone properties, closed-form values, derivatives against central differences, kinks. */
class SecondOrderConeTest {
  /** Rows (x, t) with x ∈ ℝ⁴ and t spread so that all three branches occur. */
  static Tensor randomRows(Random rng, int rows) {
    Tensor z = Tensor.randn(rng, rows, 5);
    return Tensor.concat(1, z.slice(1, 0, 4), z.slice(1, 4, 5).mul(3));
  }

  static double[] normAndT(Tensor row) {
    double[] v = row.toDoubleArray();
    double s = 0;
    for (int i = 0; i < v.length - 1; i++) s += v[i] * v[i];
    return new double[] {Math.sqrt(s), v[v.length - 1]};
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void coneProperties(long seed) {
    Random rng = new Random(seed);
    Tensor z = randomRows(rng, 40);
    Tensor p = Projections.secondOrderCone(z), q = Projections.secondOrderCone(z.neg());
    int[] branches = new int[3];
    for (int r = 0; r < 40; r++) {
      double[] nt = normAndT(z.row(r)), pn = normAndT(p.row(r));
      branches[nt[0] < nt[1] ? 0 : nt[0] <= -nt[1] ? 1 : 2]++;
      assertTrue(pn[0] <= pn[1] + 1e-12, "in the cone");
      // Moreau: z = P(z) − P(−z), ⟨P(z), P(−z)⟩ = 0 (K is self-dual)
      assertEquals(0, p.row(r).vdot(q.row(r)), 1e-12, "orthogonal parts");
      // optimality against random cone points w: ⟨z − P(z), w − P(z)⟩ ≤ 0
      for (int k = 0; k < 20; k++) {
        Tensor wx = Tensor.randn(rng, 4);
        Tensor w = Tensor.concat(0, wx, Tensor.of(wx.norm2() + Math.abs(rng.nextGaussian())));
        assertTrue(z.row(r).sub(p.row(r)).vdot(w.sub(p.row(r))) <= 1e-12, "variational inequality");
      }
    }
    assertTrue(branches[0] > 0 && branches[1] > 0 && branches[2] > 0, "all branches exercised: " + java.util.Arrays.toString(branches));
    assertTrue(p.sub(q).allClose(z, 1e-13), "Moreau decomposition");
    assertTrue(Projections.secondOrderCone(p).allClose(p, 1e-13), "idempotent");
  }

  @Test
  void closedFormValues() {
    assertArrayEquals(new double[] {1.8, 2.4, 3}, Projections.secondOrderCone(Tensor.of(3, 4, 1)).toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {0, 0, 0}, Projections.secondOrderCone(Tensor.of(3, 4, -6)).toDoubleArray(), 0);
    assertArrayEquals(new double[] {3, 4, 6}, Projections.secondOrderCone(Tensor.of(3, 4, 6)).toDoubleArray(), 0);
    // ‖x‖ = |t| on the axis t = 0: halfway, ((5 + 0)/10)(x, 5)
    assertArrayEquals(new double[] {1.5, 2, 2.5}, Projections.secondOrderCone(Tensor.of(3, 4, 0)).toDoubleArray(), 1e-15);
    // one element per row: max(t, 0); the batch shape is kept
    Tensor t = Tensor.of(new double[][] {{-2}, {0}, {3}});
    assertArrayEquals(new double[] {0, 0, 3}, Projections.secondOrderCone(t).toDoubleArray(), 0);
    assertArrayEquals(new int[] {2, 3, 5}, Projections.secondOrderCone(Tensor.zeros(2, 3, 5)).shape());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void jacobiansMatchCentralDifferences(long seed) {
    Random rng = new Random(seed);
    Tensor z = randomRows(rng, 6);
    assertFalse(Projections.secondOrderConeDegeneracy(z, 1e-3).isDegenerate(), "away from kinks");
    Tensor fd = Fd.jacobian(Projections::secondOrderCone, z, 1e-6);
    for (AD.Mode mode : AD.Mode.values()) {
      Tensor J = AD.jacobian(Projections::secondOrderCone, z, mode).reshape(fd.shape());
      assertTrue(Fd.relativeError(J, fd) < 1e-8, mode + ": " + Fd.relativeError(J, fd));
    }
    // VJP and JVP are each other's transposes: ⟨u, J v⟩ = ⟨Jᵀu, v⟩
    Tensor u = Tensor.randn(rng, 6, 5), v = Tensor.randn(rng, 6, 5);
    double uJv = u.vdot(AD.jvp(Projections::secondOrderCone, z, v).outTangent());
    double JTuv = AD.vjp(Projections::secondOrderCone, z, u).vdot(v);
    assertEquals(uJv, JTuv, 1e-12 * Math.max(1, Math.abs(uJv)));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void secondDerivativeMatchesDifferencesOfTheGradient(long seed) {
    Random rng = new Random(seed);
    // one row on the curved branch (the only one with curvature)
    Tensor x = Tensor.randn(rng, 4), z = Tensor.concat(0, x, Tensor.of(0.3 * x.norm2()));
    Tensor w = Tensor.randn(rng, 5);
    io.github.implicitdiff.autodiff.TensorFunction loss = a -> {
      Tensor p = Projections.secondOrderCone(a);
      return p.mul(w).sum().add(p.square().sum().mul(p.sum()));
    };
    Tensor H = AD.hessian(loss, z);
    Tensor Hfd = Fd.jacobian(a -> AD.grad(loss, a), z, 1e-5);
    assertTrue(Fd.relativeError(H, Hfd) < 1e-7, "hessian " + Fd.relativeError(H, Hfd));
    assertTrue(H.sub(H.T()).maxAbs() < 1e-10, "symmetric Hessian");
  }

  @Test
  void kinksFollowTheActiveConvention() {
    // on the boundary ‖x‖ = t: the derivative is the limit from outside K (the curved branch), not the identity
    Tensor onBoundary = Tensor.of(3, 4, 5), outward = Tensor.of(0.6, 0.8, -1);
    Tensor J = AD.jacobian(Projections::secondOrderCone, onBoundary);
    Tensor Jout = AD.jacobian(Projections::secondOrderCone, onBoundary.add(outward.mul(1e-9)));
    assertTrue(J.allClose(Jout, 1e-8), "limit from outside: " + J + " vs " + Jout);
    assertFalse(J.allClose(Tensor.eye(3), 0.1), "not the interior branch");
    assertArrayEquals(onBoundary.toDoubleArray(), Projections.secondOrderCone(onBoundary).toDoubleArray(), 1e-15);
    // on the polar boundary ‖x‖ = −t and at the apex: zero
    assertEquals(0, AD.jacobian(Projections::secondOrderCone, Tensor.of(3, 4, -5)).maxAbs());
    assertEquals(0, AD.jacobian(Projections::secondOrderCone, Tensor.zeros(3)).maxAbs());
    // one element per row is the orthant, with its convention at 0
    Tensor t = Tensor.of(new double[][] {{-1}, {0}, {2}});
    assertTrue(AD.jacobian(Projections::secondOrderCone, t).reshape(3, 3)
        .allClose(AD.jacobian(Projections::nonNegative, t.reshape(3)), 0));
    // the degeneracy report finds both boundaries and the apex, one entry per row
    Tensor rows = Tensor.of(new double[][] {{3, 4, 5}, {3, 4, -5}, {0, 0, 0}, {3, 4, 6}, {3, 4, 1}});
    Degeneracy d = Projections.secondOrderConeDegeneracy(rows, 1e-12);
    assertEquals(java.util.List.of(0, 1, 2), d.indices());
    assertEquals(5, d.size());
  }

  @Test
  void badInputIsNamed() {
    var nan = assertThrows(RuntimeException.class, () -> Projections.secondOrderCone(Tensor.of(1, Double.NaN)));
    assertTrue(nan.getMessage().contains("secondOrderCone") && nan.getMessage().contains("finite"), nan.getMessage());
    var scalar = assertThrows(ShapeException.class, () -> Projections.secondOrderCone(Tensor.scalar(1)));
    assertTrue(scalar.getMessage().contains("at least one dimension"), scalar.getMessage());
    var empty = assertThrows(ShapeException.class, () -> Projections.secondOrderCone(Tensor.zeros(3, 0)));
    assertTrue(empty.getMessage().contains("empty last axis"), empty.getMessage());
    var params = assertThrows(IllegalArgumentException.class, () -> Projection.secondOrderCone().apply(Tensor.ones(3), Tensor.ones(1)));
    assertTrue(params.getMessage().contains("expects 0 parameter"), params.getMessage());
    var tol = assertThrows(IllegalArgumentException.class, () -> Projections.secondOrderConeDegeneracy(Tensor.ones(3), -1));
    assertTrue(tol.getMessage().contains("tolerance"), tol.getMessage());
  }
}

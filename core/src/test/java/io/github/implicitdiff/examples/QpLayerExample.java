package io.github.implicitdiff.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.solver.InteriorPointQp;
import io.github.implicitdiff.solver.QpSolution;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Program 2: an OptNet-style QP layer x*(q, b, h) = argmin ½xᵀQx + qᵀx s.t. Ax = b, Gx ≤ h; the VJP of a
 * loss of x* in q, b and h (reverse mode) and the Jacobian of x* in q (forward mode), against central
 * differences of re-solves (x* is piecewise linear in (q, b, h), so the differences are exact up to the solver's
 * tolerance away from active-set changes).
 */
class QpLayerExample {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void vjpAndForwardJacobianMatchFiniteDifferences(long seed) {
    Random rng = new Random(seed);
    int n = 6, p = 1, m = 4;
    Tensor M = Tensor.randn(rng, n, n);
    Tensor Q = M.T().matmul(M).add(Tensor.eye(n)), A = Tensor.randn(rng, p, n), G = Tensor.randn(rng, m, n);
    // feasible by construction: x0 satisfies Ax0 = b and Gx0 < h; q pulls x* onto some of the constraints
    Tensor x0 = Tensor.randn(rng, n), q = Tensor.randn(rng, n).mul(3), b = A.matmul(x0), h = G.matmul(x0).add(Tensor.rand(rng, m).mul(0.2));
    Tensor target = Tensor.randn(rng, n);
    InteriorPointQp qp = InteriorPointQp.of();

    QpSolution s = qp.run(Q, q, A, b, G, h).orThrow();
    assertFalse(s.degenerate(), "test point must be strictly complementary: " + s.weaklyActive());
    int active = 0;
    for (double mu : s.inequalityDual().toDoubleArray()) if (mu > 1e-6) active++;
    assertTrue(active >= 1 && active < n - p, "want some but not all inequalities active, got " + active); // m < n − p

    // reverse mode: one VJP of L(x*) = ½‖x* − target‖² in (q, b, h)
    Tensor[] g = AD.gradAll(th -> loss(qp.run(Q, th[0], A, th[1], G, th[2]).primal(), target), q, b, h);
    Tensor gq = Fd.gradient(qq -> loss(qp.run(Q, qq, A, b, G, h).primal(), target), q, 1e-6);
    Tensor gb = Fd.gradient(bb -> loss(qp.run(Q, q, A, bb, G, h).primal(), target), b, 1e-6);
    Tensor gh = Fd.gradient(hh -> loss(qp.run(Q, q, A, b, G, hh).primal(), target), h, 1e-6);

    // forward mode: the full Jacobian ∂x*/∂q, one JVP per column
    Tensor jq = AD.jacobian(qq -> qp.run(Q, qq, A, b, G, h).primal(), q, AD.Mode.FORWARD);
    Tensor jqFd = Fd.jacobian(qq -> qp.run(Q, qq, A, b, G, h).primal(), q, 1e-6);

    double eq = Fd.relativeError(g[0], gq), eb = Fd.relativeError(g[1], gb), eh = Fd.relativeError(g[2], gh);
    double ej = Fd.relativeError(jq, jqFd);
    System.out.printf("qp seed %d active %d/%d  rel.err vjp q %.1e b %.1e h %.1e  forward jac q %.1e%n", seed, active, m, eq,
        eb, eh, ej);
    assertTrue(eq < 1e-6 && eb < 1e-6 && eh < 1e-6, "VJP errors q " + eq + " b " + eb + " h " + eh);
    assertTrue(ej < 1e-6, "forward Jacobian error " + ej);
    // ∂x*/∂h is zero on the inactive constraints
    double[] mu = s.inequalityDual().toDoubleArray(), ghv = g[2].toDoubleArray();
    for (int i = 0; i < m; i++) if (mu[i] < 1e-8) assertEquals(0, ghv[i], 1e-9, "inactive constraint " + i);
  }

  static Tensor loss(Tensor x, Tensor target) {
    return x.sub(target).square().sum().mul(0.5);
  }
}

package io.github.implicitdiff.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.solver.DegeneracyCheck;
import io.github.implicitdiff.solver.ProjectedGradient;
import io.github.implicitdiff.solver.SolverResult;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Program 5: min ½xᵀQx − cᵀx over the simplex of size s and over the ℓ1 ball of radius r by projected gradient;
 * the Jacobian of x* in c and the derivative in s (or r) against central differences of re-solves away from
 * degenerate points, and what the library reports at a degenerate point (a coordinate at the boundary with a
 * zero multiplier).
 */
class ProjectedGradientExample {
  static final Objective QUADRATIC = (x, th) -> x.matmul(th[0]).matmul(x).mul(0.5).sub(th[1].matmul(x));   // θ_f = (Q, c)

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void simplexAndL1BallDerivativesMatchFiniteDifferences(long seed) {
    Random rng = new Random(seed);
    int n = 6;
    Tensor M = Tensor.randn(rng, n, n), Q = M.T().matmul(M).div(n).add(Tensor.eye(n)), c = Tensor.randn(rng, n).mul(2);
    check("simplex", ProjectedGradient.of(QUADRATIC, Projection.simplex(), 1).withDegeneracyCheck(DegeneracyCheck.simplex()), Q,
        c.mul(0.25), Tensor.scalar(1), seed);
    // the radius is small enough that the constraint is active (and, as the check confirms, strictly so)
    check("l1Ball", ProjectedGradient.of(QUADRATIC, Projection.l1Ball(), 1).withDegeneracyCheck(DegeneracyCheck.l1Ball()), Q, c,
        Tensor.scalar(1.5), seed);
  }

  private static void check(String set, ProjectedGradient pg0, Tensor Q, Tensor c, Tensor size, long seed) {
    ProjectedGradient pg = pg0.withAcceleration(true).withTol(1e-12);
    int n = c.size();
    SolverResult r = pg.run(Tensor.zeros(n), Q, c, size);
    Tensor x = r.orThrow();
    assertFalse(r.degenerate(), "test point must be non-degenerate: " + r.degeneracy());
    assertEquals(size.item(), x.abs().sum().item(), 1e-9, set + ": constraint active");
    long zeros = java.util.Arrays.stream(x.toDoubleArray()).filter(v -> v == 0).count();
    assertTrue(zeros >= 1 && zeros < n - 1, set + ": want a sparse but not a vertex solution, zeros = " + zeros);

    Tensor Jc = AD.jacobian(cc -> pg.run(Tensor.zeros(n), Q, cc, size).orThrow(), c);
    Tensor Jcfd = Fd.jacobian(cc -> pg.run(Tensor.zeros(n), Q, cc, size).orThrow(), c, 1e-6);
    Tensor Js = AD.jacobian(s -> pg.run(Tensor.zeros(n), Q, c, s).orThrow(), size, AD.Mode.FORWARD);
    Tensor Jsfd = Fd.jacobian(s -> pg.run(Tensor.zeros(n), Q, c, s).orThrow(), size, 1e-6);
    double ec = Fd.relativeError(Jc, Jcfd), es = Fd.relativeError(Js, Jsfd);
    System.out.printf("projected %s seed %d zeros %d  rel.err dx/dc %.1e dx/ds %.1e%n", set, seed, zeros, ec, es);
    assertTrue(ec < 1e-6 && es < 1e-6, set + ": dx/dc " + ec + ", dx/ds " + es);
  }

  /**
   * min ½‖x − c‖² on the probability simplex at c = (0.6, 0.4, 0): x* = c, and x*_2 = 0 with a zero multiplier
   * (c_2 ties with the threshold τ = 0). The solution map has a kink in c_2: increasing c_2 moves x*_2 into the
   * support, decreasing it leaves x* unchanged.
   */
  @Test
  void degeneratePointIsReportedAndTheOneSidedDerivativeIsDocumented() {
    Objective f = (x, th) -> x.sub(th[0]).square().sum().mul(0.5);
    Tensor c = Tensor.of(0.6, 0.4, 0), s = Tensor.scalar(1);
    ProjectedGradient plain = ProjectedGradient.of(f, Projection.simplex(), 1).withTol(1e-12);
    ProjectedGradient checked = plain.withDegeneracyCheck(DegeneracyCheck.simplex());

    SolverResult r = checked.run(Tensor.full(1.0 / 3, 3), c, s);
    assertTrue(r.degenerate());
    assertEquals(java.util.List.of(2), r.degeneracy().indices());
    assertFalse(plain.run(Tensor.full(1.0 / 3, 3), c, s).degenerate(), "without a check nothing is inspected");

    Tensor J = AD.jacobian(cc -> checked.run(Tensor.full(1.0 / 3, 3), cc, s).orThrow(), c);
    // one-sided differences in c_2: from below x* stays at (c_0, c_1, 0) shifted to sum 1
    double h = 1e-6;
    Tensor below = checked.run(Tensor.full(1.0 / 3, 3), c.sub(Tensor.of(0, 0, h)), s).orThrow();
    Tensor above = checked.run(Tensor.full(1.0 / 3, 3), c.add(Tensor.of(0, 0, h)), s).orThrow();
    Tensor x = checked.run(Tensor.full(1.0 / 3, 3), c, s).orThrow();
    Tensor left = x.sub(below).div(h), right = above.sub(x).div(h);
    Tensor col2 = J.slice(1, 2, 3).reshape(3);
    System.out.printf("degenerate simplex: J[:,2] = %s, left %s, right %s%n", java.util.Arrays.toString(col2.toDoubleArray()),
        java.util.Arrays.toString(left.toDoubleArray()), java.util.Arrays.toString(right.toDoubleArray()));
    assertTrue(col2.allClose(left, 1e-5), "the documented convention (coordinate held out of the support) is the left derivative");
    assertFalse(col2.allClose(right, 1e-2), "the two one-sided derivatives differ at this kink");
  }
}

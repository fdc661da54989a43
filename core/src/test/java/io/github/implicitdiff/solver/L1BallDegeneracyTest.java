package io.github.implicitdiff.solver;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Degeneracy;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.projection.Projections;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DegeneracyCheck#l1Ball()} and {@link Projections#l1BallDegeneracy}: coordinates tied with the multiplier τ
 * of ‖x‖₁ ≤ r and a weakly active radius, found at constructed points, and the derivative convention they fix
 * (a tied coordinate out of the support; the radius held active) against closed forms and one-sided differences.
 */
class L1BallDegeneracyTest {
  /** f(x, c) = ½‖x − c‖²: with η₀ = 1 the projection's input at the solution is v = x* − ∇f(x*) = c. */
  static final Objective NEAREST = (x, th) -> x.sub(th[0]).square().sum().mul(0.5);
  static final Tensor R = Tensor.scalar(1);
  static final ProjectedGradient CHECKED = ProjectedGradient.of(NEAREST, Projection.l1Ball(), 1)
      .withDegeneracyCheck(DegeneracyCheck.l1Ball()).withTol(1e-12);

  static List<Integer> kinks(Tensor v) {
    return Projections.l1BallDegeneracy(v, R, 1e-9).indices();
  }

  @Test
  void constructedPoints() {
    // outside, τ = (0.7 + 0.5 + 0.2 − 1)/3 = 0.133...: 0.1 is below τ by a margin, nothing degenerate
    assertEquals(List.of(), kinks(Tensor.of(0.7, -0.5, 0.2, 0.1)));
    // outside, support {0.8, 0.6}, τ = 0.2 = |v_2|: coordinate 2 at the kink
    assertEquals(List.of(2), kinks(Tensor.of(0.8, -0.6, 0.2)));
    assertEquals(List.of(2), kinks(Tensor.of(-0.8, 0.6, -0.2)));
    // on the sphere: the radius (index n = 3) weakly active; with a zero coordinate, that coordinate too
    assertEquals(List.of(3), kinks(Tensor.of(0.5, -0.3, 0.2)));
    assertEquals(List.of(1, 3), kinks(Tensor.of(0.6, 0, -0.4)));
    // strictly inside: a zero coordinate is no kink (p = v near it)
    assertEquals(List.of(), kinks(Tensor.of(0.3, 0, -0.2)));
    // a matrix is flattened; the radius is index size
    assertEquals(List.of(4), kinks(Tensor.of(new double[][] {{0.25, -0.25}, {0.25, 0.25}})));
    Degeneracy d = Projections.l1BallDegeneracy(Tensor.of(0.8, -0.6, 0.2), R, 1e-9);
    assertEquals(4, d.size());
    // the tolerance decides: 0.2 + 1e-6 is a tie at 1e-5, not at 1e-9
    assertEquals(List.of(2), Projections.l1BallDegeneracy(Tensor.of(0.8, -0.6, 0.2 + 1e-6), R, 1e-5).indices());
    assertEquals(List.of(), kinks(Tensor.of(0.8, -0.6, 0.2 + 1e-6)));
    assertThrows(IllegalArgumentException.class, () -> Projections.l1BallDegeneracy(Tensor.of(1, 2), Tensor.scalar(-1), 1e-9));
    assertThrows(IllegalArgumentException.class, () -> DegeneracyCheck.l1Ball().detect(Tensor.of(1, 2), 1, new Tensor[0], 1e-9));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void randomPointsAwayFromKinksAreNotDegenerate(long seed) {
    Random rng = new Random(seed);
    Tensor c = Tensor.randn(rng, 6).mul(2);
    SolverResult r = CHECKED.run(Tensor.zeros(6), c, R);
    assertTrue(r.converged());
    assertFalse(r.degenerate(), "seed " + seed + ": " + r.degeneracy());
    assertEquals(7, r.degeneracy().size());
  }

  @Test
  void aTiedCoordinateStaysOutOfTheSupport() {
    Tensor c = Tensor.of(0.8, -0.6, 0.2);
    SolverResult r = CHECKED.run(Tensor.zeros(3), c, R);
    assertEquals(List.of(2), r.degeneracy().indices());
    assertTrue(r.solution().allClose(Tensor.of(0.6, -0.4, 0), 1e-12));
    // on the support S = {0, 1}, σ = (1, −1): ∂x_S/∂c_S = I − σσᵀ/2, the tied coordinate's row and column 0
    Tensor J = AD.jacobian(cc -> CHECKED.run(Tensor.zeros(3), cc, R).solution(), c);
    Tensor expected = Tensor.of(new double[][] {{0.5, 0.5, 0}, {0.5, 0.5, 0}, {0, 0, 0}});
    assertTrue(J.allClose(expected, 1e-9), J.toString());
    // ∂x/∂r = σ/|S| on S
    Tensor Jr = AD.jacobian(rr -> CHECKED.run(Tensor.zeros(3), c, rr).solution(), R);
    assertTrue(Jr.reshape(3).allClose(Tensor.of(0.5, -0.5, 0), 1e-9), Jr.toString());
    // one-sided differences in directions that keep coordinate 2 out of the support: c_0 up, c_2 down
    double h = 1e-6;
    Tensor up0 = CHECKED.run(Tensor.zeros(3), c.add(Tensor.of(h, 0, 0)), R).solution().sub(r.solution()).div(h);
    Tensor down2 = CHECKED.run(Tensor.zeros(3), c.sub(Tensor.of(0, 0, h)), R).solution().sub(r.solution()).div(-h);
    assertTrue(up0.allClose(J.index(1, 0), 1e-5), up0 + " vs " + J.index(1, 0));
    assertTrue(down2.allClose(J.index(1, 2), 1e-5), down2 + " vs " + J.index(1, 2));
  }

  @Test
  void aWeaklyActiveRadiusIsHeldActive() {
    Tensor c = Tensor.of(0.5, -0.3, 0.2);   // ‖c‖₁ = 1 = r: x* = c, on the sphere with τ = 0
    SolverResult r = CHECKED.run(Tensor.zeros(3), c, R);
    assertEquals(List.of(3), r.degeneracy().indices());
    assertTrue(r.solution().allClose(c, 1e-12), r.solution().toString());
    // the active branch: ∂x/∂c = I − σσᵀ/3 and ∂x/∂r = σ/3, σ = (1, −1, 1)
    Tensor sigma = Tensor.of(1, -1, 1);
    Tensor J = AD.jacobian(cc -> CHECKED.run(Tensor.zeros(3), cc, R).solution(), c);
    assertTrue(J.allClose(Tensor.eye(3).sub(sigma.outer(sigma).div(3)), 1e-9), J.toString());
    Tensor Jr = AD.jacobian(rr -> CHECKED.run(Tensor.zeros(3), c, rr).solution(), R, AD.Mode.FORWARD);
    assertTrue(Jr.reshape(3).allClose(sigma.div(3), 1e-9), Jr.toString());
    // one-sided differences from the side where the constraint stays active: c moved outwards (‖c‖₁ grows)
    double h = 1e-6;
    Tensor outwards = sigma.mul(h);
    Tensor fd = CHECKED.run(Tensor.zeros(3), c.add(outwards), R).solution().sub(r.solution()).div(h);
    assertTrue(fd.allClose(J.matmul(sigma), 1e-5), fd + " vs " + J.matmul(sigma));
    Tensor fdr = CHECKED.run(Tensor.zeros(3), c, R.sub(h)).solution().sub(r.solution()).div(-h);
    assertTrue(fdr.allClose(sigma.div(3), 1e-5), fdr.toString());
  }

  @Test
  void aWeaklyActiveRadiusWithAZeroCoordinate() {
    Tensor c = Tensor.of(0.6, 0, -0.4);
    SolverResult r = CHECKED.run(Tensor.zeros(3), c, R);
    assertEquals(List.of(1, 3), r.degeneracy().indices());
    // support {0, 2}, σ = (1, ·, −1): I − σσᵀ/2 there, coordinate 1 held at 0
    Tensor J = AD.jacobian(cc -> CHECKED.run(Tensor.zeros(3), cc, R).solution(), c);
    Tensor expected = Tensor.of(new double[][] {{0.5, 0, 0.5}, {0, 0, 0}, {0.5, 0, 0.5}});
    assertTrue(J.allClose(expected, 1e-9), J.toString());
  }

  @Test
  void settleRefusesAReportOfTheWrongSize() {
    Degeneracy wrong = Degeneracy.fromMask(Tensor.of(1, 0, 0), 1e-9);   // n entries, not n + 1
    assertThrows(io.github.implicitdiff.tensor.ShapeException.class,
        () -> DegeneracyCheck.l1Ball().settle(Tensor.of(0.8, -0.6, 0.2), wrong, 1, new Tensor[] {R}));
  }
}

package io.github.implicitdiff.projection;

import static io.github.implicitdiff.projection.DerivativeChecks.assertClose;
import static io.github.implicitdiff.projection.DerivativeChecks.assertJacobianMatchesFiniteDifferences;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimplexProjectionTest {
  private static final int N = 7;

  /** A random point of {p ≥ 0, Σp = s}, sometimes on a face (some coordinates 0). */
  static Tensor randomSimplexPoint(Random rng, int n, double s) {
    double[] v = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextDouble() < 0.3 ? 0 : -Math.log(1 - rng.nextDouble());
      total += v[i];
    }
    if (total == 0) v[rng.nextInt(n)] = total = 1;
    for (int i = 0; i < n; i++) v[i] *= s / total;
    return Tensor.of(v);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void feasibleOptimalAndIdempotent(long seed) {
    Random rng = new Random(seed);
    double s = 0.5 + 2 * rng.nextDouble();
    Tensor x = Tensor.randn(rng, N).mul(1.5);
    Tensor p = Projections.simplex(x, Tensor.scalar(s));
    for (double v : p.toDoubleArray()) assertTrue(v >= 0, "seed " + seed + ": negative entry " + v);
    assertEquals(s, p.sum().item(), 1e-10, "seed " + seed);
    for (int k = 0; k < 100; k++) {
      Tensor y = randomSimplexPoint(rng, N, s);
      double vi = x.sub(p).vdot(y.sub(p)); // ⟨x − p, y − p⟩ ≤ 0 for all feasible y
      assertTrue(vi <= 1e-9, "seed " + seed + ": variational inequality violated, " + vi);
    }
    assertClose(p, Projections.simplex(p, Tensor.scalar(s)), 1e-12, "idempotence");
  }

  @Test
  void knownValues() {
    assertClose(Tensor.of(0, 0, 1), Projections.simplex(Tensor.of(0.5, -1, 2)), 1e-15, "vertex");
    assertClose(Tensor.of(0.45, 0.55), Projections.simplex(Tensor.of(0.3, 0.4)), 1e-15, "interior");
    assertClose(Tensor.of(0.25, 0.75, 0), Projections.sparsemax(Tensor.of(1, 1.5, 0)), 1e-15, "sparsemax");
    assertClose(Tensor.of(1, 1, 1), Projections.simplex(Tensor.zeros(3), Tensor.scalar(3)), 1e-15, "uniform");
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14, 15, 16})
  void jacobianIsCenteringOnTheSupport(long seed) {
    Random rng = new Random(seed);
    Tensor x = Tensor.randn(rng, N);
    Tensor s = Tensor.scalar(1.3);
    assertFalse(Projections.simplexDegeneracy(x, s, 1e-4).isDegenerate(), "seed " + seed + " too close to a kink");
    Tensor p = Projections.simplex(x, s);
    double[] mask = p.gt(0).toDoubleArray();
    int support = 0;
    for (double m : mask) support += (int) m;
    double[] expected = new double[N * N];
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) expected[i * N + j] = mask[i] * mask[j] * ((i == j ? 1 : 0) - 1.0 / support);
    Tensor closedForm = Tensor.fromArray(expected, N, N);
    assertClose(closedForm, AD.jacobian(v -> Projections.simplex(v, s), x, AD.Mode.FORWARD), 1e-12, "forward");
    assertClose(closedForm, AD.jacobian(v -> Projections.simplex(v, s), x, AD.Mode.REVERSE), 1e-12, "reverse");
    assertJacobianMatchesFiniteDifferences(v -> Projections.simplex(v, s), x, 1e-7, "seed " + seed);
    // ∂p/∂s = 1/|S| on the support
    Tensor ds = AD.jacobian(t -> Projections.simplex(x, t), s);
    for (int i = 0; i < N; i++) assertEquals(mask[i] / support, ds.get(i), 1e-12);
    assertJacobianMatchesFiniteDifferences(t -> Projections.simplex(x, t), s, 1e-7, "size derivative");
  }

  @Test
  void batchedRowsProjectIndependently() {
    Random rng = new Random(21);
    Tensor X = Tensor.randn(rng, 3, 5);
    Tensor s = Tensor.of(1, 2, 0.5);
    Tensor P = Projections.simplex(X, s);
    for (int r = 0; r < 3; r++)
      assertClose(Projections.simplex(X.row(r), Tensor.scalar(s.get(r))), P.row(r), 1e-14, "row " + r);
    assertJacobianMatchesFiniteDifferences(v -> Projections.simplex(v, s), X, 1e-7, "batched x");
    assertJacobianMatchesFiniteDifferences(t -> Projections.simplex(X, t), s, 1e-7, "batched s");
  }

  @Test
  void degeneracyCountsTiesWithTheThreshold() {
    // x = (0.5, 0.5, 0): τ = 0, so x_2 is tied with τ
    Degeneracy tied = Projections.simplexDegeneracy(Tensor.of(0.5, 0.5, 0), Tensor.scalar(1), 1e-12);
    assertEquals(1, tied.ties());
    assertTrue(tied.isDegenerate());
    assertFalse(Projections.simplexDegeneracy(Tensor.of(0.3, 0.4, -2), Tensor.scalar(1)).isDegenerate());
    // convention: the tied element is off the support, so its row and column of the Jacobian vanish
    Tensor J = AD.jacobian(v -> Projections.simplex(v), Tensor.of(0.5, 0.5, 0));
    assertClose(Tensor.of(new double[][] {{0.5, -0.5, 0}, {-0.5, 0.5, 0}, {0, 0, 0}}), J, 1e-15, "tie convention");
  }

  // ---------------------------------------------------------------- ℓ1 ball and sphere

  static Tensor randomL1BallPoint(Random rng, int n, double r) {
    Tensor d = Tensor.randn(rng, n);
    return d.div(d.norm1().item()).mul(r * Math.pow(rng.nextDouble(), 0.5));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void l1BallFeasibleOptimalIdempotent(long seed) {
    Random rng = new Random(seed);
    double r = 0.5 + rng.nextDouble();
    Tensor radius = Tensor.scalar(r);
    for (double scale : new double[] {0.05, 2}) { // inside and outside
      Tensor x = Tensor.randn(rng, N).mul(scale);
      Tensor p = Projections.l1Ball(x, radius);
      assertTrue(p.norm1().item() <= r + 1e-10, "seed " + seed);
      if (x.norm1().item() <= r) assertClose(x, p, 0, "inside");
      for (int k = 0; k < 100; k++) {
        Tensor y = randomL1BallPoint(rng, N, r);
        assertTrue(x.sub(p).vdot(y.sub(p)) <= 1e-9, "seed " + seed);
      }
      assertClose(p, Projections.l1Ball(p, radius), 1e-12, "idempotence");
      assertJacobianMatchesFiniteDifferences(v -> Projections.l1Ball(v, radius), x, 1e-7, "l1 ball x, seed " + seed);
      assertJacobianMatchesFiniteDifferences(t -> Projections.l1Ball(x, t), radius, 1e-7, "l1 ball r, seed " + seed);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void l1SphereIsANearestPointOfTheSphere(long seed) {
    Random rng = new Random(seed);
    double r = 0.5 + rng.nextDouble();
    Tensor radius = Tensor.scalar(r);
    for (double scale : new double[] {0.05, 2}) {
      Tensor x = Tensor.randn(rng, N).mul(scale);
      Tensor p = Projections.l1Sphere(x, radius);
      assertEquals(r, p.norm1().item(), 1e-10, "seed " + seed);
      double distance = x.sub(p).norm2();
      for (int k = 0; k < 200; k++) {
        Tensor d = Tensor.randn(rng, N);
        Tensor y = d.div(d.norm1().item()).mul(r);
        assertTrue(distance <= x.sub(y).norm2() + 1e-12, "seed " + seed);
        // also points near p on the sphere
        Tensor z = p.add(Tensor.randn(rng, N).mul(0.01));
        z = z.div(z.norm1().item()).mul(r);
        assertTrue(distance <= x.sub(z).norm2() + 1e-12, "seed " + seed + ": a nearby sphere point is closer");
      }
      assertClose(p, Projections.l1Sphere(p, radius), 1e-12, "idempotence");
      assertJacobianMatchesFiniteDifferences(v -> Projections.l1Sphere(v, radius), x, 1e-7, "l1 sphere x");
      assertJacobianMatchesFiniteDifferences(t -> Projections.l1Sphere(x, t), radius, 1e-7, "l1 sphere r");
    }
    assertClose(Tensor.of(0.5, 0.5), Projections.l1Sphere(Tensor.zeros(2), Tensor.scalar(1)), 1e-15, "x = 0");
  }

  @Test
  void l1BallOfRadiusZeroIsTheOrigin() {
    Tensor x = Tensor.of(0.3, -2, 1);
    assertClose(Tensor.zeros(3), Projections.l1Ball(x, Tensor.scalar(0)), 0, "value");
    // one-sided derivative in r at 0⁺: the largest |x_i| moves first, with its sign
    Tensor dr = AD.jvp(t -> Projections.l1Ball(x, t), Tensor.scalar(0), Tensor.scalar(1)).outTangent();
    assertClose(Tensor.of(0, -1, 0), dr, 1e-15, "∂p/∂r");
  }
}

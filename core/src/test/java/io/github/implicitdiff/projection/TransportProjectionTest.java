package io.github.implicitdiff.projection;

import static io.github.implicitdiff.projection.DerivativeChecks.assertClose;
import static io.github.implicitdiff.projection.DerivativeChecks.assertJacobianMatchesFiniteDifferences;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TransportProjectionTest {
  private static final SinkhornOptions OPTIONS = SinkhornOptions.defaults().withRegularization(0.5);

  /** Positive entries in [0.5, 1.5] scaled to total mass {@code mass}. */
  static Tensor randomMarginal(Random rng, int n, double mass) {
    Tensor v = Tensor.uniform(rng, 0.5, 1.5, n);
    return v.mul(mass / v.sum().item());
  }

  /**
   * KL optimality of argmax ⟨P, X⟩ + εH(P) over U(a, b): log P − X/ε = f1ᵀ + 1gᵀ, i.e. its double
   * centering vanishes.
   */
  private static double doubleCenteringResidual(Tensor P, Tensor X, double epsilon) {
    Tensor L = P.log().sub(X.div(epsilon));
    Tensor centered = L.sub(L.mean(new int[] {1}, true)).sub(L.mean(new int[] {0}, true)).add(L.mean());
    return centered.maxAbs();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void marginalsAndOptimality(long seed) {
    Random rng = new Random(seed);
    Tensor X = Tensor.randn(rng, 4, 5);
    Tensor a = randomMarginal(rng, 4, 2), b = randomMarginal(rng, 5, 2);
    Tensor P = Projections.transport(X, a, b, OPTIONS);
    assertTrue(P.sum(1).sub(a).maxAbs() <= 1e-10, "row marginals, seed " + seed);
    assertTrue(P.sum(0).sub(b).maxAbs() <= 1e-10, "column marginals, seed " + seed);
    assertTrue(P.min().item() > 0, "entropic plans are positive");
    assertTrue(doubleCenteringResidual(P, X, 0.5) <= 1e-9, "KL optimality, seed " + seed);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void birkhoffIsDoublyStochasticAndApproachesTheBestPermutation(long seed) {
    Random rng = new Random(seed);
    // X = 2Q + noise with Q a random permutation matrix, so that Q is clearly the best permutation
    int[] q = {0, 1, 2};
    for (int i = 2; i > 0; i--) {
      int j = rng.nextInt(i + 1), t = q[i];
      q[i] = q[j];
      q[j] = t;
    }
    Tensor X = Tensor.randn(rng, 3, 3).mul(0.3).add(Tensor.oneHot(Tensor.of(q[0], q[1], q[2]), 3).mul(2));
    Tensor P = Projections.birkhoff(X, SinkhornOptions.defaults());
    assertClose(Tensor.ones(3), P.sum(1), 1e-10, "rows");
    assertClose(Tensor.ones(3), P.sum(0), 1e-10, "columns");
    assertTrue(doubleCenteringResidual(P, X, 1.0) <= 1e-9, "KL optimality");
    // small ε: the plan concentrates on the permutation maximizing ⟨P, X⟩ (brute force over 3! permutations)
    int[][] perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    double best = Double.NEGATIVE_INFINITY;
    int[] arg = null;
    for (int[] perm : perms) {
      double v = X.get(0, perm[0]) + X.get(1, perm[1]) + X.get(2, perm[2]);
      if (v > best) {
        best = v;
        arg = perm;
      }
    }
    Tensor sharp = Projections.birkhoff(X, new SinkhornOptions(0.3, 20000, 1e-6));
    for (int i = 0; i < 3; i++) assertTrue(sharp.get(i, arg[i]) > 0.98 && sharp.get(i, arg[i]) > P.get(i, arg[i]), "seed " + seed + " row " + i);
  }

  /**
   * Both differentiation modes against central differences, in X and along a mass-preserving (da, db): forward and
   * reverse Jacobians, square and rectangular, unequal marginals.
   */
  @ParameterizedTest
  @CsvSource({"1, 3, 4, false", "2, 4, 4, false", "1, 3, 4, true", "2, 4, 4, true", "3, 5, 2, true", "4, 1, 3, true"})
  void derivativesMatchFiniteDifferences(long seed, int m, int n, boolean implicit) {
    Random rng = new Random(seed);
    Tensor X = Tensor.randn(rng, m, n);
    Tensor a = randomMarginal(rng, m, 1), b = randomMarginal(rng, n, 1);
    SinkhornOptions tight = SinkhornOptions.defaults().withTolerance(1e-13).withImplicitDifferentiation(implicit);
    String mode = (implicit ? "implicit" : "unrolled") + " seed " + seed;
    assertJacobianMatchesFiniteDifferences(v -> Projections.transport(v, a, b, tight), X, 1e-6, "∂X " + mode);
    // perturb the marginals along a mass-preserving direction (Σda = Σdb)
    Tensor da = Tensor.randn(rng, m), db = Tensor.randn(rng, n);
    db = db.sub(db.mean()).add(da.sum().item() / n); // Σdb = Σda
    Tensor dbFinal = db;
    assertJacobianMatchesFiniteDifferences(t -> Projections.transport(X, a.add(da.mul(t)), b.add(dbFinal.mul(t)), tight),
        Tensor.scalar(0), 1e-6, "∂(a, b) " + mode);
  }

  @Test
  void iterationCapRaises() {
    Tensor X = Tensor.randn(new Random(1), 4, 4).mul(10);
    NotConvergedException e = assertThrows(NotConvergedException.class,
        () -> Projections.birkhoff(X, SinkhornOptions.defaults().withRegularization(0.01).withMaxIterations(3)));
    assertTrue(e.getMessage().contains("maxIterations"), e.getMessage());
  }

  @Test
  void unequalMassIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> Projections.transport(Tensor.zeros(2, 2), Tensor.of(1, 1), Tensor.of(1, 2), OPTIONS));
  }

  @Test
  void nonPositiveMarginalIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> Projections.transport(Tensor.zeros(2, 2), Tensor.of(2, 0), Tensor.of(1, 1), OPTIONS));
  }

  @Test
  void marginalShapeMismatchIsRejected() {
    assertThrows(io.github.implicitdiff.tensor.ShapeException.class,
        () -> Projections.transport(Tensor.zeros(2, 3), Tensor.of(1, 1), Tensor.of(1, 1), OPTIONS));
  }

  @Test
  void nonSquareBirkhoffIsRejected() {
    assertThrows(io.github.implicitdiff.tensor.ShapeException.class, () -> Projections.birkhoff(Tensor.zeros(2, 3), OPTIONS));
  }

  @Test
  void badOptionsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new SinkhornOptions(0, 10, 1e-9));
    assertThrows(IllegalArgumentException.class, () -> new SinkhornOptions(1, 0, 1e-9));
    assertThrows(IllegalArgumentException.class, () -> new SinkhornOptions(1, 10, 0));
  }
}

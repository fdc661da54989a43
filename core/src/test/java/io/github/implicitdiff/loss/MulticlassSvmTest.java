package io.github.implicitdiff.loss;

import static io.github.implicitdiff.loss.FiniteDifferences.assertClose;
import static io.github.implicitdiff.loss.FiniteDifferences.assertGradient;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.optimality.CompositeLinearObjective;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MulticlassSvmTest {
  /** A random feasible dual point: each row a softmax, so strictly inside the simplex. */
  static Tensor randomFeasible(Random rng, int m, int k) {
    return Tensor.randn(rng, m, k).softmax(1);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void dualMatchesScalarFormulaAndGradientsMatchFiniteDifferences(long seed) {
    Random rng = new Random(seed);
    int m = 7, p = 4, k = 3;
    Tensor X = Tensor.randn(rng, m, p);
    int[] labels = LossesTest.randomLabels(rng, m, k);
    Tensor Y = Tensor.oneHot(LossesTest.labelsTensor(labels), k);
    Tensor beta = randomFeasible(rng, m, k);
    double lam = 0.2 + rng.nextDouble();
    Tensor lambda = Tensor.scalar(lam);
    // scalar reference of eq. D
    double[][] x = X.toArray2d(), y = Y.toArray2d(), b = beta.toArray2d();
    double quadratic = 0, linear = 0;
    for (int f = 0; f < p; f++)
      for (int c = 0; c < k; c++) {
        double v = 0;
        for (int i = 0; i < m; i++) v += x[i][f] * (y[i][c] - b[i][c]);
        quadratic += v * v;
      }
    for (int i = 0; i < m; i++) for (int c = 0; c < k; c++) linear += b[i][c] * (y[i][c] - 1);
    assertEquals(quadratic / (2 * lam) + linear, MulticlassSvm.dual(beta, lambda, X, Y).item(), 1e-12);

    assertGradient(v -> MulticlassSvm.dual(v, lambda, X, Y), beta, 1e-7, "∇_β FD");
    Tensor W = MulticlassSvm.primalWeights(beta, lambda, X, Y);
    assertClose(X.matmul(W).neg().add(Y).sub(1), AD.grad(v -> MulticlassSvm.dual(v, lambda, X, Y), beta), 1e-13,
        "∇_β f = −X W(β) + Y − 1");
    assertGradient(l -> MulticlassSvm.dual(beta, l, X, Y), lambda, 1e-7, "∂f/∂λ FD");
    assertEquals(-quadratic / (2 * lam * lam), AD.grad(l -> MulticlassSvm.dual(beta, l, X, Y), lambda).item(), 1e-12,
        "∂f/∂λ = −‖Xᵀ(Y − β)‖²/(2λ²)");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void weakDualityAtAnyFeasiblePointAndStrongDualityAtTheSolution(long seed) {
    Random rng = new Random(seed);
    int m = 6, p = 10, k = 3; // m ≤ p: XXᵀ is positive definite, the dual strongly convex
    Tensor X = Tensor.randn(rng, m, p);
    int[] labels = LossesTest.randomLabels(rng, m, k);
    Tensor Y = Tensor.oneHot(LossesTest.labelsTensor(labels), k);
    Tensor lambda = Tensor.scalar(0.5);
    for (int trial = 0; trial < 3; trial++) {
      Tensor beta = randomFeasible(rng, m, k);
      double gap = MulticlassSvm.primal(MulticlassSvm.primalWeights(beta, lambda, X, Y), lambda, X, labels).item()
          + MulticlassSvm.dual(beta, lambda, X, Y).item();
      assertTrue(gap >= -1e-12, "weak duality P(W(β)) ≥ −f(β), gap " + gap);
    }
    // projected gradient on the dual, step 1/L with L = ‖XXᵀ‖/λ bounded by the Frobenius norm
    double L = X.matmul(X.T()).norm2() / 0.5;
    Tensor beta = Tensor.full(1.0 / k, m, k);
    for (int it = 0; it < 600; it++) {
      // ∇_β f = −X W(β) + Y − 1 (checked against AD above)
      Tensor g = X.matmul(MulticlassSvm.primalWeights(beta, lambda, X, Y)).neg().add(Y).sub(1);
      beta = io.github.implicitdiff.projection.Projections.sparsemax(beta.sub(g.div(L)));
    }
    Tensor W = MulticlassSvm.primalWeights(beta, lambda, X, Y);
    double primal = MulticlassSvm.primal(W, lambda, X, labels).item();
    double dual = MulticlassSvm.dual(beta, lambda, X, Y).item();
    assertEquals(primal, -dual, 1e-8 * (1 + Math.abs(primal)), "strong duality P(W(β*)) = −f(β*)");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void compositeDualEqualsDualInValueAndGradients(long seed) {
    Random rng = new Random(seed);
    int m = 8, p = 5, k = 4;
    Tensor X = Tensor.randn(rng, m, p);
    Tensor Y = Tensor.oneHot(LossesTest.labelsTensor(LossesTest.randomLabels(rng, m, k)), k);
    CompositeLinearObjective composite = MulticlassSvm.dualComposite(X, Y);
    Tensor lambda = Tensor.scalar(0.2 + rng.nextDouble());
    // any β, not only feasible ones: the two forms are equal as functions
    for (Tensor beta : new Tensor[] {randomFeasible(rng, m, k), Tensor.randn(rng, m, k).mul(3)}) {
      double expected = MulticlassSvm.dual(beta, lambda, X, Y).item();
      assertEquals(expected, composite.apply(beta, lambda).item(), 1e-12 * (1 + Math.abs(expected)), "value");
      assertClose(AD.grad(v -> MulticlassSvm.dual(v, lambda, X, Y), beta), AD.grad(v -> composite.apply(v, lambda), beta),
          1e-12, "∇_β");
      assertClose(AD.grad(l -> MulticlassSvm.dual(beta, l, X, Y), lambda), AD.grad(l -> composite.apply(beta, l), lambda),
          1e-12, "∂f/∂λ");
      // the pieces the block solver uses: z = Xᵀβ and the block gradient X[i]·∇h(z) + (Y − 1)[i]
      Tensor z = composite.image(beta);
      assertClose(X.T().matmul(beta), z, 1e-14, "z = Xᵀβ");
      Tensor gradH = AD.grad(v -> composite.outer(v, lambda), z);
      Tensor full = AD.grad(v -> MulticlassSvm.dual(v, lambda, X, Y), beta);
      for (int i = 0; i < m; i++)
        assertClose(full.index(0, i), X.index(0, i).matmul(gradH).add(composite.linearTerm().index(0, i)), 1e-12,
            "block gradient of row " + i);
    }
  }

  @Test
  void compositeDualRejectsBadInput() {
    Tensor Y = Tensor.oneHot(Tensor.of(0, 1), 2);
    assertThrows(ShapeException.class, () -> MulticlassSvm.dualComposite(Tensor.ones(3, 3), Y));
    assertThrows(IllegalArgumentException.class, () -> MulticlassSvm.dualComposite(null, Y));
    CompositeLinearObjective f = MulticlassSvm.dualComposite(Tensor.ones(2, 3), Y);
    var e = assertThrows(IllegalArgumentException.class, () -> f.apply(Y, Tensor.scalar(-1)));
    assertTrue(e.getMessage().contains("dualComposite") && e.getMessage().contains("lambda"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> f.apply(Y));
    assertTrue(e.getMessage().contains("θ = (λ)"), e.getMessage());
    e = assertThrows(ShapeException.class, () -> f.apply(Tensor.zeros(2, 3), Tensor.scalar(1)));
    assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(2, 2)"), e.getMessage());
  }

  @Test
  void rejectsNonPositiveLambda() {
    Tensor Y = Tensor.oneHot(Tensor.of(0, 1), 2);
    var e = assertThrows(IllegalArgumentException.class,
        () -> MulticlassSvm.dual(Y, Tensor.scalar(0), Tensor.ones(2, 3), Y));
    assertTrue(e.getMessage().contains("lambda") && e.getMessage().contains("> 0"), e.getMessage());
  }

  @Test
  void rejectsLabelRowsNotMatchingData() {
    Tensor Y = Tensor.oneHot(Tensor.of(0, 1), 2);
    assertThrows(ShapeException.class, () -> MulticlassSvm.dual(Y, Tensor.scalar(1), Tensor.ones(3, 3), Y));
  }

  @Test
  void rejectsBetaOfWrongShape() {
    Tensor Y = Tensor.oneHot(Tensor.of(0, 1), 2);
    assertThrows(ShapeException.class,
        () -> MulticlassSvm.primalWeights(Tensor.zeros(2, 3), Tensor.scalar(1), Tensor.ones(2, 3), Y));
  }

  @Test
  void primalRejectsLabelOutOfRange() {
    assertThrows(IllegalArgumentException.class,
        () -> MulticlassSvm.primal(Tensor.zeros(3, 2), Tensor.scalar(1), Tensor.ones(2, 3), new int[] {0, 2}));
  }
}
